package main

import (
	"context"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/intent"
)

// classifyOut is one line of `heed classify` (contracts.md).
type classifyOut struct {
	Text         string            `json:"text"`
	Intent       heed.Intent       `json:"intent"`
	Confidence   float64           `json:"confidence"`
	QuestionType heed.QuestionType `json:"question_type"`
	Modifiers    []heed.Modifier   `json:"modifiers"`
	Lang         string            `json:"lang,omitempty"`
	Truncated    bool              `json:"truncated,omitempty"`
	Reasons      []string          `json:"reasons,omitempty"`
}

func cmdClassify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "classify", "[flags] [FILE|-]")
	var brands listFlag
	fs.Var(&brands, "brand", "a brand or product name of the organisation (repeatable): a request naming only a brand is navigational")
	cfgPath := fs.String("c", "", "read brands from this config file's organisation.brands")
	explain := fs.Bool("explain", false, "add the rules and features behind each label (\"reasons\")")
	maxText := fs.Int("max-text", heed.DefaultMaxText, "cut requests longer than this many characters")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *maxText <= 0 {
		return usagef("-max-text must be positive")
	}
	if *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		brands = append(brands, cfg.Organisation.Brands...)
	}
	in, closeIn, err := openInput(e, fs.Args())
	if err != nil {
		return err
	}
	defer closeIn()
	cl := intent.New(intent.Options{Brands: brands})
	return mapRequests(ctx, in, e.stdout, *maxText, nil, func(r request) classifyOut {
		c := cl.Classify(r.text)
		out := classifyOut{Text: r.text, Intent: c.Intent, Confidence: c.Confidence, QuestionType: c.QuestionType,
			Modifiers: c.Modifiers, Lang: c.Lang, Truncated: r.truncated}
		if out.Modifiers == nil {
			out.Modifiers = []heed.Modifier{}
		}
		if *explain {
			out.Reasons = c.Reasons
		}
		return out
	})
}
