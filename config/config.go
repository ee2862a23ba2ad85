// Package config reads heed's configuration file: YAML, unknown keys rejected, defaults applied in one
// place, relative paths resolved against the file's directory, and every error naming the file, line
// and key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

// File is a heed configuration.
type File struct {
	// Organisation is whose customers heed listens to.
	Organisation Organisation `yaml:"organisation"`
	// Sources are where requests come from.
	Sources []Source `yaml:"sources"`
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
	// Privacy says what is taken out of what customers wrote (help-desk tickets, site searches) before
	// it is stored.
	Privacy Privacy `yaml:"privacy"`

	path string     // the file read, "" for a config built from flags
	root *yaml.Node // the document, to find the line of a key
}

// Privacy is the redaction of first-party text: e-mail addresses, phone, card and account numbers and
// links' queries always go; Redact adds patterns (Go regular expressions), such as an order number's.
type Privacy struct {
	Redact []string `yaml:"redact"`
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
	// CanonicalHosts are host names besides Site's own that the site's canonical links may name: the
	// public host when Site is a staging or mirror copy. A canonical link to any other host is ignored.
	CanonicalHosts []string `yaml:"canonical_hosts"`
	// MaxPages bounds the pages crawled from Site.
	MaxPages int `yaml:"max_pages"`
	// Lang is the language of the pages and requests, as an ISO 639-1 code (default en).
	Lang string `yaml:"lang"`
}

// BrandNames are the organisation's brands: Brands, or its name when none are listed.
func (o Organisation) BrandNames() []string {
	if len(o.Brands) == 0 && o.Name != "" {
		return []string{o.Name}
	}
	return o.Brands
}

// Source is one configured source. cmd/heed hands it to the crawler as a crawler.Spec, which has the
// same fields.
type Source struct {
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

// The crawl settings' defaults: those of crawler.DefaultFetchConfig (a test in cmd/heed keeps them equal),
// and the crawl units fetched at once.
const (
	defaultUserAgent     = "heed/1.0 (+https://github.com/heed-dev/heed; listens to customer questions)"
	defaultTimeout       = 30 * time.Second
	defaultWorkers       = 4
	defaultParallel      = 2
	defaultDelay         = time.Second
	defaultRetries       = 3
	defaultMaxRetryAfter = 2 * time.Minute
	defaultMaxBody       = 8 << 20
)

// Ranges are the values every numeric and duration setting may take, by key ("sources[].delay" is each
// source's delay): the one place they are set, documented in the README's configuration reference.
// Bounds keep a typo or a stray zero from exhausting memory, hammering a site or stalling a run; a key
// whose Zero is set may also be 0, or left out, for the default.
var Ranges = map[string]Range{
	"organisation.max_pages": {Min: 1, Max: 10_000_000, Zero: "the default"},
	"crawl.timeout":          {Min: int64(time.Second), Max: int64(10 * time.Minute), Unit: Duration, Zero: "the default"},
	"crawl.workers":          {Min: 1, Max: 256, Zero: "the default"},
	"crawl.parallel":         {Min: 1, Max: 64, Zero: "the default"},
	"crawl.delay":            {Min: int64(time.Millisecond), Max: int64(time.Hour), Unit: Duration, Zero: "the default"},
	"crawl.retries":          {Min: 1, Max: 10, Zero: "the default"},
	"crawl.max_retry_after":  {Min: int64(time.Second), Max: int64(24 * time.Hour), Unit: Duration, Zero: "the default"},
	"crawl.max_body":         {Min: 1 << 10, Max: 256 << 20, Unit: Bytes, Zero: "the default"},
	"crawl.max_text":         {Min: 1, Max: 100_000, Zero: "the default"},
	"sources[].parallel":     {Min: 1, Max: 64, Zero: "crawl.parallel"},
	"sources[].delay":        {Min: int64(time.Millisecond), Max: int64(time.Hour), Unit: Duration, Zero: "crawl.delay"},
	"jobs[].jitter":          {Min: 0, Max: int64(12 * time.Hour), Unit: Duration},
}

// Range is the values a numeric or duration setting may take: Min to Max, and 0 when Zero is set.
type Range struct {
	Min, Max int64 // nanoseconds for a Duration
	Unit     Unit
	// Zero, when set, says what 0 (or the key left out) stands for, such as "the default".
	Zero string
}

// Unit is how a Range's numbers read.
type Unit int

// The units of a Range.
const (
	Count Unit = iota
	Bytes
	Duration
)

// CheckFlag checks a command-line value against the range of the config key it stands for, and says
// what is wrong with it ("" when nothing is), as "-flag 100000000 is out of range: want 1 to 256".
func CheckFlag(flag, key string, v int64) string {
	r, ok := Ranges[key]
	if !ok || r.contains(v) {
		return ""
	}
	return fmt.Sprintf("-%s %s is out of range: want %s", flag, r.format(v), r)
}

// CheckListen says what is wrong with a listen address, host:port ("" when nothing is).
func CheckListen(addr string) string { return checkListen(addr) }

func (r Range) contains(v int64) bool { return v >= r.Min && v <= r.Max || v == 0 && r.Zero != "" }

// String says what the range allows, such as "1 to 256, or 0 for the default".
func (r Range) String() string {
	s := r.format(r.Min) + " to " + r.format(r.Max)
	if r.Unit == Bytes {
		s += " bytes (" + binarySize(r.Min) + " to " + binarySize(r.Max) + ")"
	}
	if r.Zero != "" {
		s += ", or 0 for " + r.Zero
	}
	return s
}

// format writes a value of the range as the config would.
func (r Range) format(v int64) string {
	if r.Unit == Duration {
		return shortDuration(time.Duration(v))
	}
	return strconv.FormatInt(v, 10)
}

// shortDuration is d as the config would write it: 10m rather than 10m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// binarySize writes a byte count in KiB, MiB or GiB when it is a whole number of them.
func binarySize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

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
	wrongType    = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
)

// Parse reads and checks a configuration; name is used in errors and to resolve relative paths.
func Parse(name string, data []byte) (*File, error) {
	f := &File{path: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err, nil)
	}
	f.root = &root
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(f); err != nil {
			return nil, yamlError(name, err, &root)
		}
	}
	f.ApplyDefaults()
	f.resolve(filepath.Dir(name))
	if err := f.Check(); err != nil {
		return nil, err
	}
	return f, nil
}

// yamlError rewrites the YAML library's errors as "file:line: message", one line per problem, naming
// the key of a value of the wrong type when root, the document, is given.
func yamlError(name string, err error, root *yaml.Node) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var msgs []string
		for _, e := range te.Errors {
			if m := unknownField.FindStringSubmatch(e); m != nil {
				msgs = append(msgs, fmt.Sprintf("%s:%s: unknown key %q%s%s", name, m[1], m[2], sectionOf(m[3]), DidYouMean(m[2], keysOf(m[3]))))
			} else if m := lineMsg.FindStringSubmatch(e); m != nil {
				msgs = append(msgs, fmt.Sprintf("%s:%s: %s", name, m[1], typeError(root, m[1], sourceTypeName(m[2]))))
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

// sourceTypeName names a source's Go type in a message of the YAML library as it was named before config
// had a Source of its own: crawler.Spec, as in "cannot unmarshal !!str `x` into []crawler.Spec".
func sourceTypeName(msg string) string {
	if i := strings.LastIndex(msg, " into "); i >= 0 {
		return msg[:i] + strings.ReplaceAll(msg[i:], "config.Source", "crawler.Spec")
	}
	return msg
}

// keysOf are the keys of the part of the file a Go type decodes (its fields' yaml names).
func keysOf(goType string) []string {
	types := map[string]reflect.Type{
		"config.File": reflect.TypeFor[File](), "config.Organisation": reflect.TypeFor[Organisation](),
		"config.Source": reflect.TypeFor[Source](), "config.Crawl": reflect.TypeFor[Crawl](),
		"config.Job": reflect.TypeFor[Job](), "config.Storage": reflect.TypeFor[Storage](),
		"config.Report": reflect.TypeFor[Report](), "config.Serve": reflect.TypeFor[Serve](),
		"config.Metrics": reflect.TypeFor[Metrics](), "config.Privacy": reflect.TypeFor[Privacy](),
	}
	t, ok := types[goType]
	if !ok {
		return nil
	}
	var keys []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// sectionOf names the part of the file a Go type decodes, for unknown-key errors.
func sectionOf(goType string) string {
	switch goType {
	case "config.File":
		return " at the top level"
	case "config.Organisation":
		return " in organisation"
	case "config.Source":
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
	case "config.Metrics":
		return " in metrics"
	case "config.Privacy":
		return " in privacy"
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
		if k := f.Sources[i].Kind; k == "requests" || k == "helpdesk" { // files (a help desk may be a URL: abs leaves it)
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
	c := &f.Crawl
	if c.UserAgent == "" {
		c.UserAgent = defaultUserAgent
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.Workers == 0 {
		c.Workers = defaultWorkers
	}
	if c.Parallel == 0 {
		c.Parallel = defaultParallel
	}
	if c.Delay == 0 {
		c.Delay = defaultDelay
	}
	if c.Retries == 0 {
		c.Retries = defaultRetries
	}
	if c.MaxRetryAfter == 0 {
		c.MaxRetryAfter = defaultMaxRetryAfter
	}
	if c.MaxBody == 0 {
		c.MaxBody = defaultMaxBody
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

// Check validates every setting that does not depend on which source kinds exist or on how schedules
// are parsed (cmd/heed checks those, through the sources and ops): every number against its Ranges,
// the language, the listen address, and how the parts refer to each other.
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
		if err := heed.CheckExpansions(s.Expand); err != nil {
			bad([]any{"sources", i, "expand"}, "%v", err)
		}
	}
	if err := heed.CheckExpansions(f.Expand); err != nil {
		bad([]any{"expand"}, "%v", err)
	}
	for i, p := range f.Privacy.Redact {
		if _, err := regexp.Compile(p); err != nil {
			bad([]any{"privacy", "redact", i}, "%q is not a regular expression: %v", p, err)
		}
	}
	if f.Organisation.Site != "" && !strings.HasPrefix(f.Organisation.Site, "http://") && !strings.HasPrefix(f.Organisation.Site, "https://") {
		bad([]any{"organisation", "site"}, "site %q: want an http(s) URL", f.Organisation.Site)
	}
	for i, h := range f.Organisation.CanonicalHosts {
		if !isHostName(h) {
			bad([]any{"organisation", "canonical_hosts", i}, "%q: want a host name such as help.example.com (no scheme, port or path)", h)
		}
	}
	if f.Storage.Kind != "embedded" && f.Storage.Kind != "elasticsearch" {
		bad([]any{"storage", "kind"}, "storage kind %q: want embedded or elasticsearch", f.Storage.Kind)
	}
	for _, n := range f.numbers() {
		if r := Ranges[n.key]; !r.contains(n.v) {
			bad(n.path, "%s is out of range: want %s", f.raw(n.path, r.format(n.v)), r)
		}
	}
	if langs := analysis.Languages(); !slices.Contains(langs, f.Organisation.Lang) {
		bad([]any{"organisation", "lang"}, "%q is not a language heed analyses: want %s", f.Organisation.Lang, orList(langs))
	}
	if msg := checkListen(f.Serve.Listen); msg != "" {
		bad([]any{"serve", "listen"}, "%q%s", f.Serve.Listen, msg)
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
	line, _ := f.find(path)
	return line
}

// find returns the line of the key at path (or of its closest ancestor present in the file) and the
// key's value, nil when the key is not in the file.
func (f *File) find(path []any) (int, *yaml.Node) {
	if f.root == nil || len(f.root.Content) == 0 {
		return 0, nil
	}
	n := f.root.Content[0]
	line := n.Line
	for _, p := range path {
		switch x := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line, nil
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
				return line, nil
			}
		case int:
			if n.Kind != yaml.SequenceNode || x >= len(n.Content) {
				return line, nil
			}
			n = n.Content[x]
			line = n.Line
		}
	}
	return line, n
}

// raw is the value at path as written in the file, or def when it is not there.
func (f *File) raw(path []any, def string) string {
	if _, n := f.find(path); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return def
}

// number is one numeric or duration setting of the configuration, for Check.
type number struct {
	key  string // its key in Ranges
	path []any  // its place in the file
	v    int64
}

// numbers lists every numeric and duration setting; TestRangesCoverEveryNumber keeps it complete.
func (f *File) numbers() []number {
	c := f.Crawl
	out := []number{
		{"organisation.max_pages", []any{"organisation", "max_pages"}, int64(f.Organisation.MaxPages)},
		{"crawl.timeout", []any{"crawl", "timeout"}, int64(c.Timeout)},
		{"crawl.workers", []any{"crawl", "workers"}, int64(c.Workers)},
		{"crawl.parallel", []any{"crawl", "parallel"}, int64(c.Parallel)},
		{"crawl.delay", []any{"crawl", "delay"}, int64(c.Delay)},
		{"crawl.retries", []any{"crawl", "retries"}, int64(c.Retries)},
		{"crawl.max_retry_after", []any{"crawl", "max_retry_after"}, int64(c.MaxRetryAfter)},
		{"crawl.max_body", []any{"crawl", "max_body"}, int64(c.MaxBody)},
		{"crawl.max_text", []any{"crawl", "max_text"}, int64(c.MaxText)},
	}
	for i, s := range f.Sources {
		out = append(out,
			number{"sources[].parallel", []any{"sources", i, "parallel"}, int64(s.Parallel)},
			number{"sources[].delay", []any{"sources", i, "delay"}, int64(s.Delay)})
	}
	for i, j := range f.Jobs {
		out = append(out, number{"jobs[].jitter", []any{"jobs", i, "jitter"}, int64(j.Jitter)})
	}
	return out
}

// checkListen says what is wrong with a listen address ("" when nothing is): it must be host:port with
// a port from 0 to 65535 and a host that is empty, an IP address or a host name.
func checkListen(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return " is not host:port (such as 127.0.0.1:9464, [::1]:9464 or :9464)"
	}
	if port == "" || strings.Trim(port, "0123456789") != "" {
		return fmt.Sprintf(": port %q is not a number: want 0 to 65535", port)
	}
	if n, err := strconv.Atoi(port); err != nil || n > 65535 {
		return fmt.Sprintf(": port %s is out of range: want 0 to 65535", port)
	}
	if host != "" && !isHostName(host) {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Sprintf(": host %q is not an IP address or a host name", host)
		}
	}
	return ""
}

// isHostName reports whether s is a DNS name: dot-separated labels of letters, digits, hyphens and
// underscores (container names have them).
func isHostName(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// orList writes "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// typeError rewrites the YAML library's message about a value of the wrong type at line to name the
// value's key, and to say how a duration is written.
func typeError(root *yaml.Node, line, msg string) string {
	m := wrongType.FindStringSubmatch(msg)
	if m == nil || root == nil {
		return msg
	}
	n, err := strconv.Atoi(line)
	if err != nil {
		return msg
	}
	path, value := keyAt(root, n, "!!"+m[1], m[2])
	if path == nil {
		return msg
	}
	key := keyPath(path)
	if m[3] == "time.Duration" && value.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%s: %q is not a duration: want a number and a unit, such as 30s or 1h30m", key, value.Value)
	}
	if want, ok := kindName(m[3]); ok {
		got := map[string]string{"str": "text", "int": "a number", "float": "a number", "bool": "true or false",
			"seq": "a list", "map": "keys and values", "null": "nothing"}[m[1]]
		if got == "" {
			got = "!!" + m[1]
		}
		if m[2] != "" {
			got += fmt.Sprintf(" (%q)", m[2])
		}
		return fmt.Sprintf("%s: want %s, not %s", key, want, got)
	}
	return key + ": " + msg
}

// kindName says how a value of a Go type of the config is written.
func kindName(goType string) (string, bool) {
	name, ok := map[string]string{
		"string": "text", "int": "a whole number", "int64": "a whole number", "float64": "a number",
		"bool": "true or false", "[]string": "a list of texts", "map[string]string": "keys and text values",
		"[]config.Source": "a list of sources", "[]config.Job": "a list of jobs",
		"time.Duration": "a duration, a number and a unit such as 30s or 1h30m",
	}[goType]
	return name, ok
}

// keyAt finds the key whose value is at line, with the tag and, for a scalar, the value given (which
// the YAML library cuts to "1234567..." when it is long), and returns the key's path and its value.
func keyAt(root *yaml.Node, line int, tag, value string) ([]any, *yaml.Node) {
	var found *yaml.Node
	match := func(n *yaml.Node) bool {
		if n.Line != line || n.ShortTag() != tag {
			return false
		}
		if n.Kind == yaml.ScalarNode && n.Value != value {
			cut, ok := strings.CutSuffix(value, "...")
			if !ok || !strings.HasPrefix(n.Value, cut) {
				return false
			}
		}
		found = n
		return true
	}
	var walk func(n *yaml.Node, path []any) []any
	walk = func(n *yaml.Node, path []any) []any {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if p := walk(c, path); p != nil {
					return p
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := append(slices.Clip(path), n.Content[i].Value)
				if match(n.Content[i+1]) {
					return p
				}
				if q := walk(n.Content[i+1], p); q != nil {
					return q
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := append(slices.Clip(path), i)
				if match(c) {
					return p
				}
				if q := walk(c, p); q != nil {
					return q
				}
			}
		}
		return nil
	}
	path := walk(root, nil)
	return path, found
}
