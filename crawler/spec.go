package crawler

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Spec describes one configured source: the same whether it comes from a config file or from a
// --source KIND[=BASE][;key=value...] flag.
type Spec struct {
	// Name identifies the source in the store, logs and metrics; it defaults to the kind.
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
	// Base replaces the scheme, host and port of the public service (paths and parameters stay those of
	// the real API). For opensearch and feed it is the full URL, {q} standing for the query in
	// opensearch; for requests it is the file's path.
	Base string `yaml:"base"`
	// Options are the kind's settings (hl, gl, site, tagged, sub, pages, ...).
	Options map[string]string `yaml:"options"`
	// Seeds and Expand, when set, replace the run's seeds and expansions for this source.
	Seeds  []string `yaml:"seeds"`
	Expand []string `yaml:"expand"`
	// Parallel and Delay override the default per-host politeness for this source's host.
	Parallel int           `yaml:"parallel"`
	Delay    time.Duration `yaml:"delay"`
}

// SourceName is the source's configured name, else its kind.
func (s Spec) SourceName() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Kind
}

// Option returns the option key, or def when it is not set.
func (s Spec) Option(key, def string) string {
	if v, ok := s.Options[key]; ok && v != "" {
		return v
	}
	return def
}

// ParseSpec reads KIND[=BASE][;key=value...]. A BASE that holds a semicolon must write it as %3B.
func ParseSpec(raw string) (Spec, error) {
	parts := strings.Split(raw, ";")
	head := strings.TrimSpace(parts[0])
	var s Spec
	if i := strings.IndexByte(head, '='); i >= 0 {
		s.Kind, s.Base = strings.TrimSpace(head[:i]), strings.TrimSpace(head[i+1:])
		if s.Base == "" {
			return Spec{}, fmt.Errorf("source %q: empty base after %q", raw, s.Kind+"=")
		}
	} else {
		s.Kind = head
	}
	s.Kind = strings.ToLower(s.Kind)
	if s.Kind == "" {
		return Spec{}, fmt.Errorf("source %q: no kind (want KIND[=BASE][;key=value...])", raw)
	}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return Spec{}, fmt.Errorf("source %q: option %q is not key=value", raw, p)
		}
		v = strings.TrimSpace(v)
		switch k {
		case "name":
			s.Name = v
			continue
		case "seeds":
			s.Seeds = splitList(v)
			continue
		case "expand":
			s.Expand = splitList(v)
			continue
		}
		if s.Options == nil {
			s.Options = map[string]string{}
		}
		s.Options[k] = v
	}
	return s, nil
}

func splitList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Endpoint builds the URL of a public API, with base (when set) replacing its scheme, host and port.
func Endpoint(public, base string) (string, error) {
	u, err := url.Parse(public)
	if err != nil {
		return "", fmt.Errorf("endpoint %q: %w", public, err)
	}
	if base == "" {
		return u.String(), nil
	}
	b, err := url.Parse(base)
	if err != nil || b.Host == "" || (b.Scheme != "http" && b.Scheme != "https") {
		return "", fmt.Errorf("base %q: want scheme://host[:port]", base)
	}
	u.Scheme, u.Host = b.Scheme, b.Host
	if p := strings.TrimSuffix(b.Path, "/"); p != "" {
		u.Path = p + u.Path
	}
	return u.String(), nil
}

// IntOption is the whole-number option key, def when it is not set; a value that is not a whole number
// from lo to hi is an error naming the source and the option.
func (s Spec) IntOption(key string, def, lo, hi int) (int, error) {
	v := s.Option(key, "")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("source %s: option %s=%q: want a whole number from %d to %d", s.Kind, key, v, lo, hi)
	}
	return n, nil
}
