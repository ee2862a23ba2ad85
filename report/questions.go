package report

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/heed-dev/heed"
)

// MaxQuestionExamples bounds the requests a question group lists; it counts them all.
const MaxQuestionExamples = 10

// The words that group requests, in the order the report shows them. A request joins the group of the
// first question word it holds, of each comparison and preposition it holds, and of each of its
// modifiers.
var (
	questionWords = []string{"how", "what", "why", "can", "which", "who", "where", "when", "will", "are", "is", "do", "does", "should"}
	comparisons   = map[string]string{"vs": "vs", "versus": "vs", "v": "vs", "or": "or"}
	comparisonOrd = []string{"vs", "or"}
	prepositions  = []string{"for", "with", "without", "near"}
	groupKinds    = []string{"question", "comparison", "preposition", "modifier"}
)

// questionKey names a group.
type questionKey struct{ seed, kind, word string }

// questionGroups groups every request heard (answered, gaps, service issues, dismissed) by seed and by
// the words it holds, with the answered part of each group and its most demanded requests.
func questionGroups(rep *Report) []QuestionGroup {
	groups := map[questionKey]*questionAcc{}
	add := func(r Request, answered bool) {
		ex := demanded{QuestionRequest{Key: r.Key, Text: r.Text, Answered: answered}, r.Demand}
		if answered {
			ex.URL = r.URL
		}
		seeds := r.Evidence.Seeds
		if len(seeds) == 0 {
			seeds = []string{""}
		}
		for _, kw := range groupWords(r) {
			for _, seed := range seeds {
				k := questionKey{seed, kw[0], kw[1]}
				g := groups[k]
				if g == nil {
					g = &questionAcc{group: QuestionGroup{Seed: seed, Kind: kw[0], Word: kw[1]}}
					groups[k] = g
				}
				g.group.Requests++
				if answered {
					g.group.Answered++
				}
				g.examples = append(g.examples, ex)
				if len(g.examples) > 4*MaxQuestionExamples {
					g.examples = mostDemanded(g.examples)
				}
			}
		}
	}
	for _, r := range rep.Answered {
		add(r, true)
	}
	for _, list := range [][]Request{rep.Gaps, rep.ServiceIssues, rep.Dismissed} {
		for _, r := range list {
			add(r, false)
		}
	}
	out := make([]QuestionGroup, 0, len(groups))
	for _, g := range groups {
		g.group.Coverage = Ratio(g.group.Answered, g.group.Requests)
		for _, e := range mostDemanded(g.examples) {
			g.group.Examples = append(g.group.Examples, e.QuestionRequest)
		}
		out = append(out, g.group)
	}
	slices.SortFunc(out, compareGroups)
	return out
}

// questionAcc is a group being filled: its most demanded requests so far, with their demand.
type questionAcc struct {
	group    QuestionGroup
	examples []demanded
}

// demanded is a request of a question group and its demand.
type demanded struct {
	QuestionRequest
	demand float64
}

// groupWords are the groups a request joins, as (kind, word) pairs.
func groupWords(r Request) [][2]string {
	words := strings.FieldsFunc(strings.ToLower(r.Text), func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
	var out [][2]string
	for _, w := range words {
		if slices.Contains(questionWords, w) {
			out = append(out, [2]string{"question", w})
			break
		}
	}
	for _, set := range []struct {
		kind  string
		words []string
		canon func(string) string
	}{
		{"comparison", comparisonOrd, func(w string) string { return comparisons[w] }},
		{"preposition", prepositions, func(w string) string { return w }},
	} {
		for _, w := range set.words {
			if slices.ContainsFunc(words, func(x string) bool { return set.canon(x) == w }) {
				out = append(out, [2]string{set.kind, w})
			}
		}
	}
	for _, m := range r.Modifiers {
		out = append(out, [2]string{"modifier", m})
	}
	return out
}

// mostDemanded keeps the MaxQuestionExamples most demanded requests, highest first (then by text).
func mostDemanded(xs []demanded) []demanded {
	slices.SortStableFunc(xs, func(a, b demanded) int {
		if c := cmp.Compare(b.demand, a.demand); c != 0 {
			return c
		}
		return strings.Compare(a.Text, b.Text)
	})
	return slices.Clip(xs[:min(len(xs), MaxQuestionExamples)])
}

// compareGroups orders groups by seed ("" last), kind, then word in the order of their lists.
func compareGroups(a, b QuestionGroup) int {
	if (a.Seed == "") != (b.Seed == "") {
		if a.Seed == "" {
			return 1
		}
		return -1
	}
	if c := strings.Compare(a.Seed, b.Seed); c != 0 {
		return c
	}
	if c := cmp.Compare(slices.Index(groupKinds, a.Kind), slices.Index(groupKinds, b.Kind)); c != 0 {
		return c
	}
	return cmp.Compare(wordRank(a), wordRank(b))
}

// wordRank is where a group's word stands in its kind's list.
func wordRank(g QuestionGroup) int {
	switch g.Kind {
	case "question":
		return slices.Index(questionWords, g.Word)
	case "comparison":
		return slices.Index(comparisonOrd, g.Word)
	case "preposition":
		return slices.Index(prepositions, g.Word)
	}
	for i, m := range heedModifiers() {
		if m == g.Word {
			return i
		}
	}
	return len(g.Word) + 1000
}

// heedModifiers are the classifier's modifiers, in its order.
func heedModifiers() []string {
	out := make([]string, len(heed.Modifiers))
	for i, m := range heed.Modifiers {
		out[i] = string(m)
	}
	return out
}
