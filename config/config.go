// Package config reads heed's configuration file: YAML, unknown keys rejected, defaults applied in one
// place, relative paths resolved against the file's directory, and every error naming the file, line
// and key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/heed-dev/heed/crawler"
)

// File is a heed configuration.
type File struct {
	// Organisation is whose customers heed listens to.
	Organisation Organisation `yaml:"organisation"`
	// Sources are where requests come from.
	Sources []crawler.Spec `yaml:"sources"`
	// Seeds are the topics the suggestion and search sources are asked about.
	Seeds []string `yaml:"seeds"`
	// Expand lists the expansions applied to each seed: alphabet, questions, prepositions, comparisons,
	// prefix:WORD, suffix:WORD.
	Expand []string `yaml:"expand"`
	// Crawl is how politely and how hard to crawl.
	Crawl Crawl `yaml:"crawl"`
	// Jobs are what to run and when.
	Jobs []Job `yaml:"jobs"`
	// Storage is where heed keeps what it learns.
	Storage Storage `yaml:"storage"`
	// Report is where the gap report is written.
	Report Report `yaml:"report"`
	// Serve is how `heed serve` listens.
	Serve Serve `yaml:"serve"`
	// Metrics is where `heed run`, a short-lived process, leaves its metrics for Prometheus.
	Metrics Metrics `yaml:"metrics"`

	path string     // the file read, "" for a config built from flags
	root *yaml.Node // the document, to find the line of a key
}

// Organisation describes the organisation and its pages.
type Organisation struct {
	Name string `yaml:"name"`
	// Brands are its brand and product names: requests naming only a brand are navigational.
	Brands []string `yaml:"brands"`
	// Site is the site to crawl through its sitemaps (or links), such as https://help.example.com/.
	Site string `yaml:"site"`
	// Pages is a page export (JSONL, or CSV when it ends in .csv) used instead of, or as well as, Site.
	Pages string `yaml:"pages"`
	// MaxPages bounds the pages crawled from Site.
	MaxPages int `yaml:"max_pages"`
	// Lang is the language of the pages and requests, as an ISO 639-1 code (default en).
	Lang string `yaml:"lang"`
}

// Crawl is the crawler's behaviour.
type Crawl struct {
	UserAgent     string        `yaml:"user_agent"`
	Timeout       time.Duration `yaml:"timeout"`
	Workers       int           `yaml:"workers"`  // crawl units fetched at once
	Parallel      int           `yaml:"parallel"` // requests at once per host
	Delay         time.Duration `yaml:"delay"`    // pause after each request to a host
	Retries       int           `yaml:"retries"`
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	MaxBody       int           `yaml:"max_body"` // bytes
	MaxText       int           `yaml:"max_text"` // characters of a request kept
}

// Job is one scheduled job.
type Job struct {
	Name string `yaml:"name"`
	// Schedule is a cron expression (five fields, or @daily, @every 6h, ...).
	Schedule string `yaml:"schedule"`
	// TZ is the time zone of the schedule (IANA name), UTC by default.
	TZ string `yaml:"tz"`
	// Jitter delays each scheduled start by a random duration up to this, to spread load.
	Jitter time.Duration `yaml:"jitter"`
	// Sources names the sources the job crawls; empty means all.
	Sources []string `yaml:"sources"`
	// Site refreshes the organisation's pages before matching (default true).
	Site *bool `yaml:"site"`
	// Crawl crawls the sources and matches what they found (default true). A job with crawl: false and
	// site: true only refreshes the stored pages, on a schedule of its own.
	Crawl *bool `yaml:"crawl"`
}

// Storage is the store's configuration.
type Storage struct {
	// Kind is embedded (default) or elasticsearch.
	Kind string `yaml:"kind"`
	// Data is the embedded store's directory (and, with Elasticsearch, where job locks and the HTTP
	// cache are kept when the cluster does not hold them).
	Data string `yaml:"data"`
	// Elasticsearch is the cluster, when Kind is elasticsearch.
	Elasticsearch Elasticsearch `yaml:"elasticsearch"`
}

// Elasticsearch says how to reach a cluster. Secrets may be left out of the file: HEED_ELASTICSEARCH_API_KEY
// and HEED_ELASTICSEARCH_PASSWORD are read when api_key and password are empty.
type Elasticsearch struct {
	Addresses   []string `yaml:"addresses"`
	APIKey      string   `yaml:"api_key"`
	Username    string   `yaml:"username"`
	Password    string   `yaml:"password"`
	CACert      string   `yaml:"ca_cert"`      // path of a PEM CA certificate
	IndexPrefix string   `yaml:"index_prefix"` // default heed
}

// Report is where reports go.
type Report struct {
	Dir string `yaml:"dir"`
}

// Metrics configures how `heed run` hands its metrics over: written to a node_exporter textfile
// collector's directory, pushed to a Pushgateway, or both.
type Metrics struct {
	// Textfile is the file to write (it should end in .prom and sit in node_exporter's
	// --collector.textfile.directory); written atomically at the end of each run.
	Textfile string `yaml:"textfile"`
	// Pushgateway is the Pushgateway's URL (http://host:9091); the run pushes under job "heed".
	Pushgateway string `yaml:"pushgateway"`
}

// Serve configures `heed serve`.
type Serve struct {
	Listen string `yaml:"listen"`
	// ReviewToken, or ReviewUser and ReviewPassword, let content teams change decisions in the review
	// pages (HTTP basic auth; the token also as a bearer token). Without them the pages are read-only.
	// HEED_REVIEW_TOKEN and HEED_REVIEW_PASSWORD are read when these are empty.
	ReviewToken    string `yaml:"review_token"`
	ReviewUser     string `yaml:"review_user"`
	ReviewPassword string `yaml:"review_password"`
	// AllowedHosts are the host names requests may use besides localhost, listen's host and IP
	// addresses: "heed.internal", ".example.com" (it and its subdomains), "*" (any name).
	AllowedHosts []string `yaml:"allowed_hosts"`
}

// Defaults.
const (
	DefaultJob      = "nightly"
	DefaultSchedule = "0 3 * * *"
	DefaultData     = "heed-data"
	DefaultOut      = "out"
	DefaultListen   = "127.0.0.1:9464"
)

// Load reads and checks a configuration file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return Parse(path, data)
}

var (
	unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type (\S+)`)
	lineMsg      = regexp.MustCompile(`line (\d+): (.*)`)
)

// Parse reads and checks a configuration; name is used in errors and to resolve relative paths.
func Parse(name string, data []byte) (*File, error) {
	f := &File{path: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	f.root = &root
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(f); err != nil {
			return nil, yamlError(name, err)
		}
	}
	f.ApplyDefaults()
	f.resolve(filepath.Dir(name))
	if err := f.Check(); err != nil {
		return nil, err
	}
	return f, nil
}

// yamlError rewrites the YAML library's errors as "file:line: message", one line per problem.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var msgs []string
		for _, e := range te.Errors {
			if m := unknownField.FindStringSubmatch(e); m != nil {
				msgs = append(msgs, fmt.Sprintf("%s:%s: unknown key %q%s", name, m[1], m[2], sectionOf(m[3])))
			} else if m := lineMsg.FindStringSubmatch(e); m != nil {
				msgs = append(msgs, fmt.Sprintf("%s:%s: %s", name, m[1], m[2]))
			} else {
				msgs = append(msgs, name+": "+e)
			}
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := lineMsg.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", name, m[1], m[2])
	}
	return fmt.Errorf("%s: %s", name, msg)
}

// sectionOf names the part of the file a Go type decodes, for unknown-key errors.
func sectionOf(goType string) string {
	switch goType {
	case "config.File":
		return " at the top level"
	case "config.Organisation":
		return " in organisation"
	case "crawler.Spec":
		return " in a source"
	case "config.Crawl":
		return " in crawl"
	case "config.Job":
		return " in a job"
	case "config.Storage":
		return " in storage"
	case "config.Report":
		return " in report"
	case "config.Serve":
		return " in serve"
	}
	return ""
}

// resolve makes relative paths relative to the config file's directory.
func (f *File) resolve(dir string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
			return p
		}
		return filepath.Join(dir, p)
	}
	f.Organisation.Pages = abs(f.Organisation.Pages)
	f.Storage.Data = abs(f.Storage.Data)
	f.Report.Dir = abs(f.Report.Dir)
	f.Metrics.Textfile = abs(f.Metrics.Textfile)
	f.Storage.Elasticsearch.CACert = abs(f.Storage.Elasticsearch.CACert)
	for i := range f.Sources {
		if f.Sources[i].Kind == "requests" {
			f.Sources[i].Base = abs(f.Sources[i].Base)
		}
	}
}

// Path is the file the configuration was read from.
func (f *File) Path() string { return f.path }

// ApplyDefaults fills in every setting left out: the one place defaults live.
func (f *File) ApplyDefaults() {
	if f.Storage.Kind == "" {
		f.Storage.Kind = "embedded"
	}
	if f.Storage.Data == "" {
		f.Storage.Data = DefaultData
	}
	if f.Report.Dir == "" {
		f.Report.Dir = DefaultOut
	}
	if f.Serve.Listen == "" {
		f.Serve.Listen = DefaultListen
	}
	if f.Organisation.Lang == "" {
		f.Organisation.Lang = "en"
	}
	def := crawler.DefaultFetchConfig()
	c := &f.Crawl
	if c.UserAgent == "" {
		c.UserAgent = def.UserAgent
	}
	if c.Timeout == 0 {
		c.Timeout = def.Timeout
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.Parallel == 0 {
		c.Parallel = def.Parallel
	}
	if c.Delay == 0 {
		c.Delay = def.Delay
	}
	if c.Retries == 0 {
		c.Retries = def.Retries
	}
	if c.MaxRetryAfter == 0 {
		c.MaxRetryAfter = def.MaxRetryAfter
	}
	if c.MaxBody == 0 {
		c.MaxBody = def.MaxBody
	}
	if len(f.Jobs) == 0 {
		f.Jobs = []Job{{Name: DefaultJob, Schedule: DefaultSchedule}}
	}
	for i := range f.Jobs {
		if f.Jobs[i].TZ == "" {
			f.Jobs[i].TZ = "UTC"
		}
		if f.Jobs[i].Site == nil {
			yes := true
			f.Jobs[i].Site = &yes
		}
		if f.Jobs[i].Crawl == nil {
			yes := true
			f.Jobs[i].Crawl = &yes
		}
	}
	for i := range f.Sources {
		if f.Sources[i].Name == "" {
			f.Sources[i].Name = f.Sources[i].Kind
		}
	}
}

// Check validates settings that do not depend on which source kinds exist (cmd/heed checks those).
func (f *File) Check() error {
	var errs []error
	bad := func(path []any, format string, args ...any) {
		errs = append(errs, f.Errorf(path, format, args...))
	}
	names := map[string]int{}
	for i, s := range f.Sources {
		if s.Kind == "" {
			bad([]any{"sources", i}, "a source needs a kind")
		}
		if j, dup := names[s.Name]; dup {
			bad([]any{"sources", i, "name"}, "source name %q is used by sources[%d] too: give each source its own name", s.Name, j)
		}
		names[s.Name] = i
		if err := crawler.CheckExpansions(s.Expand); err != nil {
			bad([]any{"sources", i, "expand"}, "%v", err)
		}
	}
	if err := crawler.CheckExpansions(f.Expand); err != nil {
		bad([]any{"expand"}, "%v", err)
	}
	if f.Organisation.Site != "" && !strings.HasPrefix(f.Organisation.Site, "http://") && !strings.HasPrefix(f.Organisation.Site, "https://") {
		bad([]any{"organisation", "site"}, "site %q: want an http(s) URL", f.Organisation.Site)
	}
	if f.Storage.Kind != "embedded" && f.Storage.Kind != "elasticsearch" {
		bad([]any{"storage", "kind"}, "storage kind %q: want embedded or elasticsearch", f.Storage.Kind)
	}
	c := f.Crawl
	for _, x := range []struct {
		key string
		v   int64
	}{{"workers", int64(c.Workers)}, {"parallel", int64(c.Parallel)}, {"retries", int64(c.Retries)}, {"max_body", int64(c.MaxBody)},
		{"max_text", int64(c.MaxText)}, {"timeout", int64(c.Timeout)}, {"delay", int64(c.Delay)}} {
		if x.v < 0 {
			bad([]any{"crawl", x.key}, "%s must not be negative", x.key)
		}
	}
	jobs := map[string]bool{}
	for i, j := range f.Jobs {
		if j.Name == "" {
			bad([]any{"jobs", i}, "a job needs a name")
		}
		if jobs[j.Name] {
			bad([]any{"jobs", i, "name"}, "job name %q is used twice", j.Name)
		}
		jobs[j.Name] = true
		if _, err := time.LoadLocation(j.TZ); err != nil {
			bad([]any{"jobs", i, "tz"}, "time zone %q: %v", j.TZ, err)
		}
		for _, s := range j.Sources {
			if _, ok := names[s]; !ok {
				bad([]any{"jobs", i, "sources"}, "job %q names source %q, which is not configured", j.Name, s)
			}
		}
		if j.Jitter < 0 {
			bad([]any{"jobs", i, "jitter"}, "jitter must not be negative")
		}
		if j.Crawl != nil && !*j.Crawl && j.Site != nil && !*j.Site {
			bad([]any{"jobs", i, "crawl"}, "job %q neither crawls nor refreshes the site: it would do nothing", j.Name)
		}
	}
	return errors.Join(errs...)
}

// Job returns the named job; "" means the first.
func (f *File) Job(name string) (Job, error) {
	if name == "" {
		return f.Jobs[0], nil
	}
	for _, j := range f.Jobs {
		if j.Name == name {
			return j, nil
		}
	}
	var names []string
	for _, j := range f.Jobs {
		names = append(names, j.Name)
	}
	return Job{}, fmt.Errorf("no job %q in %s (have %s)", name, f.display(), strings.Join(names, ", "))
}

func (f *File) display() string {
	if f.path == "" {
		return "the flags"
	}
	return f.path
}

// Errorf returns an error about the key at path (such as "sources", 2, "kind"), naming the file and the
// line of the key when the configuration came from a file.
func (f *File) Errorf(path []any, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	key := keyPath(path)
	if f.path == "" {
		return fmt.Errorf("%s: %s", key, msg)
	}
	if line := f.Line(path...); line > 0 {
		return fmt.Errorf("%s:%d: %s: %s", f.path, line, key, msg)
	}
	return fmt.Errorf("%s: %s: %s", f.path, key, msg)
}

func keyPath(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch x := p.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(x) + "]")
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(x)
		}
	}
	return b.String()
}

// Line returns the line of the key at path, or of its closest ancestor present in the file; 0 when the
// configuration has no file.
func (f *File) Line(path ...any) int {
	if f.root == nil || len(f.root.Content) == 0 {
		return 0
	}
	n := f.root.Content[0]
	line := n.Line
	for _, p := range path {
		switch x := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == x {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || x >= len(n.Content) {
				return line
			}
			n = n.Content[x]
			line = n.Line
		}
	}
	return line
}
