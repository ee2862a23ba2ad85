// Package elastic is heed's store on Elasticsearch 8, for teams that outgrow one machine: several heed
// workers share one cluster. It is the only package that imports go-elasticsearch.
//
// Every kind of document lives in its own index, created from an index template under a versioned name
// (PREFIX-KIND-vN) and reached through an alias (PREFIX-KIND). A mapping change bumps N: on start-up the
// new index is created, the old one reindexed into it, and the alias swapped in one atomic request.
// Document ids are derived from what a document is (a run's id, a request's key, a unit's key), so a rerun
// rewrites the same documents and never duplicates them. Writes that many documents make go through the
// client's BulkIndexer; 429 and 5xx answers are retried with exponential backoff by the client. Indices are
// refreshed only before a read that must see the writes just made.
package elastic

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/conflicts"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/optype"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/refresh"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/store"
)

// Config says how to reach the cluster.
type Config struct {
	Addresses []string // node URLs; default http://127.0.0.1:9200
	APIKey    string   // base64 API key; overrides Username and Password
	Username  string
	Password  string
	CACert    string // path of a PEM CA certificate for TLS
	// IndexPrefix starts every index and alias name (default "heed").
	IndexPrefix string
	// Lang is the language of the pages, for their analysers (default en).
	Lang string
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
	// Backoff is the wait before retry n (default: 200ms doubling, at most 10s).
	Backoff func(attempt int) time.Duration
	// MaxRetries of one request on 429, 502, 503, 504 and network errors (default 3).
	MaxRetries int
}

// Store is the Elasticsearch store. It is safe for concurrent use.
type Store struct {
	es     *elasticsearch.TypedClient
	prefix string
	lang   string
	addrs  []string
	// log and unreadable report documents skipped because they could not be read.
	log        *slog.Logger
	unreadable atomic.Int64
	// vmu guards what the store learnt of the vector cache: the length of each model's vectors, and
	// the lengths whose field it has mapped.
	vmu    sync.Mutex
	dims   map[string]int
	mapped map[int]bool
}

var _ store.Store = (*Store)(nil)

// MinVersion is the oldest Elasticsearch heed runs on.
const MinVersion = 8

// Open connects, checks the cluster's version and credentials, and creates or migrates the index
// templates, indices and aliases.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if len(cfg.Addresses) == 0 {
		cfg.Addresses = []string{"http://127.0.0.1:9200"}
	}
	if cfg.IndexPrefix == "" {
		cfg.IndexPrefix = "heed"
	}
	if cfg.Lang == "" {
		cfg.Lang = "en"
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	}
	backoff := cfg.Backoff
	if backoff == nil {
		backoff = func(n int) time.Duration {
			return time.Duration(math.Min(float64(200*time.Millisecond)*math.Pow(2, float64(n-1)), float64(10*time.Second)))
		}
	}
	ec := elasticsearch.Config{
		Addresses: cfg.Addresses, APIKey: cfg.APIKey, Username: cfg.Username, Password: cfg.Password,
		RetryOnStatus: []int{429, 502, 503, 504}, MaxRetries: cfg.MaxRetries, RetryBackoff: backoff,
		Transport: cfg.Transport,
	}
	if cfg.CACert != "" {
		pem, err := os.ReadFile(cfg.CACert)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch CA certificate: %w", err)
		}
		ec.CACert = pem
	}
	es, err := elasticsearch.NewTypedClient(ec)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch client: %w", err)
	}
	s := &Store{es: es, prefix: cfg.IndexPrefix, lang: cfg.Lang, addrs: cfg.Addresses, log: slog.New(slog.DiscardHandler),
		dims: map[string]int{}, mapped: map[int]bool{}}
	info, err := es.Info().Do(ctx)
	if err != nil {
		return nil, s.explain(err)
	}
	major, _, _ := strings.Cut(info.Version.Int, ".")
	if n, err := strconv.Atoi(major); err != nil || n < MinVersion {
		return nil, fmt.Errorf("elasticsearch at %s is version %s: heed needs %d.0 or later", strings.Join(cfg.Addresses, ", "), info.Version.Int, MinVersion)
	}
	if err := s.setup(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// explain turns a failure to reach the cluster into a message an operator can act on.
func (s *Store) explain(err error) error {
	where := strings.Join(s.addrs, ", ")
	var ee *types.ElasticsearchError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ee) && ee.Status == http.StatusUnauthorized:
		return fmt.Errorf("elasticsearch at %s refused heed's credentials (401): check storage.elasticsearch api_key, or username and password: %w", where, err)
	case errors.As(err, &ee) && ee.Status == http.StatusForbidden:
		return fmt.Errorf("elasticsearch at %s: heed's user lacks a privilege (403): it needs manage on %s-* indices and templates: %w", where, s.prefix, err)
	case errors.As(err, &oe), errors.As(err, &ne), strings.Contains(err.Error(), "connection refused"):
		return fmt.Errorf("cannot reach elasticsearch at %s: %w", where, err)
	}
	return fmt.Errorf("elasticsearch at %s: %w", where, err)
}

// SetLogger makes the store log what it skips.
func (s *Store) SetLogger(l *slog.Logger) {
	if l != nil {
		s.log = l
	}
}

// Unreadable is how many stored documents were skipped because they could not be read.
func (s *Store) Unreadable() int64 { return s.unreadable.Load() }

func (s *Store) skip(what string, err error) {
	s.unreadable.Add(1)
	s.log.Warn("store: skipped an unreadable document", "index", s.alias(what), "err", err)
}

// Close releases the client.
func (s *Store) Close() error { return nil }

func (s *Store) String() string {
	return "elasticsearch:" + strings.Join(s.addrs, ",") + "/" + s.prefix
}

// Ping checks that the cluster answers and the store's indices can be written.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.es.Index(s.alias(kindMeta)).Id("ping").Raw(jsonReader(map[string]any{"value": time.Now().Unix()})).Do(ctx)
	if err != nil {
		return s.explain(err)
	}
	return nil
}

// id hashes a free-form key into a document id (keys can be long and hold any character).
func id(parts ...string) string {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}

func jsonReader(v any) *bytes.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps and structs of plain values are marshalled here
	}
	return bytes.NewReader(b)
}

// isStatus reports whether err is an Elasticsearch error answer with status code.
func isStatus(err error, code int) bool {
	var ee *types.ElasticsearchError
	return errors.As(err, &ee) && ee.Status == code
}

// ---- runs ----

type runDoc struct {
	ID       int64          `json:"id"`
	Job      string         `json:"job"`
	Started  time.Time      `json:"started"`
	Finished *time.Time     `json:"finished,omitempty"`
	Status   string         `json:"status"`
	Stats    store.RunStats `json:"stats"`
}

func (d runDoc) run() store.Run {
	r := store.Run{ID: d.ID, Job: d.Job, Started: d.Started, Status: d.Status, Stats: d.Stats}
	if d.Finished != nil {
		r.Finished = *d.Finished
	}
	return r
}

// nextRunID takes the next run id from a counter document, atomically.
func (s *Store) nextRunID(ctx context.Context) (int64, error) {
	res, err := s.es.Update(s.alias(kindMeta), "run_seq").RetryOnConflict(10).Refresh(refresh.True).Raw(jsonReader(map[string]any{
		"script":  map[string]any{"source": "ctx._source.value += 1", "lang": "painless"},
		"upsert":  map[string]any{"value": 1},
		"_source": true,
	})).Do(ctx)
	if err != nil {
		return 0, err
	}
	if res.Get == nil {
		return 0, errors.New("the run counter update returned no document")
	}
	var v struct {
		Value int64 `json:"value"`
	}
	if err := json.Unmarshal(res.Get.Source_, &v); err != nil || v.Value == 0 {
		return 0, fmt.Errorf("the run counter holds %s", res.Get.Source_)
	}
	return v.Value, nil
}

// BeginRun starts a run of job, or resumes its newest run when that never finished.
func (s *Store) BeginRun(ctx context.Context, job string, now time.Time) (store.Run, bool, error) {
	res, err := s.es.Search().Index(s.alias(kindRuns)).Raw(jsonReader(map[string]any{
		"size": 1, "query": map[string]any{"term": map[string]any{"job": job}}, "sort": []any{map[string]any{"id": "desc"}},
	})).Do(ctx)
	if err != nil {
		return store.Run{}, false, fmt.Errorf("begin run of %q: %w", job, err)
	}
	if len(res.Hits.Hits) > 0 {
		var d runDoc
		if err := json.Unmarshal(res.Hits.Hits[0].Source_, &d); err != nil {
			return store.Run{}, false, fmt.Errorf("begin run of %q: %w", job, err)
		}
		if d.Status == store.StatusRunning {
			return d.run(), true, nil
		}
	}
	n, err := s.nextRunID(ctx)
	if err != nil {
		return store.Run{}, false, fmt.Errorf("begin run of %q: %w", job, err)
	}
	d := runDoc{ID: n, Job: job, Started: now.UTC(), Status: store.StatusRunning}
	if _, err := s.es.Index(s.alias(kindRuns)).Id(strconv.FormatInt(n, 10)).OpType(optype.Create).Refresh(refresh.Waitfor).
		Raw(jsonReader(d)).Do(ctx); err != nil {
		return store.Run{}, false, fmt.Errorf("begin run of %q: %w", job, err)
	}
	return d.run(), false, nil
}

// FinishRun records a run's end, status and stats.
func (s *Store) FinishRun(ctx context.Context, run store.Run) error {
	if run.Finished.IsZero() {
		run.Finished = time.Now()
	}
	f := run.Finished.UTC()
	d := runDoc{ID: run.ID, Job: run.Job, Started: run.Started.UTC(), Finished: &f, Status: run.Status, Stats: run.Stats}
	_, err := s.es.Update(s.alias(kindRuns), strconv.FormatInt(run.ID, 10)).Refresh(refresh.Waitfor).
		Raw(jsonReader(map[string]any{"doc": d})).Do(ctx)
	if isStatus(err, http.StatusNotFound) {
		return fmt.Errorf("finish run %d: %w", run.ID, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("finish run %d: %w", run.ID, err)
	}
	return nil
}

// Runs returns the job's finished runs, newest first, at most limit (0: all).
func (s *Store) Runs(ctx context.Context, job string, limit int) ([]store.Run, error) {
	var out []store.Run
	q := map[string]any{"bool": map[string]any{
		"filter":   []any{map[string]any{"term": map[string]any{"job": job}}},
		"must_not": []any{map[string]any{"term": map[string]any{"status": store.StatusRunning}}},
	}}
	err := s.scan(ctx, kindRuns, q, []any{map[string]any{"id": "desc"}}, limit, func(src json.RawMessage) error {
		var d runDoc
		if err := json.Unmarshal(src, &d); err != nil {
			return err
		}
		out = append(out, d.run())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list runs of %q: %w", job, err)
	}
	return out, nil
}

// scan reads every document of an index matching query, in sort order (which must end in a unique
// field), page by page with search_after; limit > 0 stops after that many.
func (s *Store) scan(ctx context.Context, kind string, query map[string]any, sort []any, limit int, fn func(json.RawMessage) error) error {
	const page = 1000
	var after []types.FieldValue
	n := 0
	for {
		size := page
		if limit > 0 {
			size = min(page, limit-n)
		}
		body := map[string]any{"size": size, "query": query, "sort": sort, "track_total_hits": false}
		if after != nil {
			body["search_after"] = after
		}
		res, err := s.es.Search().Index(s.alias(kind)).Raw(jsonReader(body)).Do(ctx)
		if err != nil {
			return err
		}
		for _, h := range res.Hits.Hits {
			if err := fn(h.Source_); err != nil {
				return err
			}
			n++
			after = h.Sort
		}
		if len(res.Hits.Hits) < size || (limit > 0 && n >= limit) {
			return nil
		}
	}
}

// refresh makes the writes to an index visible to search, before a read that needs them.
func (s *Store) refresh(ctx context.Context, kinds ...string) error {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = s.alias(k)
	}
	_, err := s.es.Indices.Refresh().Index(strings.Join(names, ",")).Do(ctx)
	return err
}

// ---- units, sightings, requests ----

type unitDoc struct {
	RunID     int64     `json:"run_id"`
	Unit      string    `json:"unit"`
	Stored    time.Time `json:"stored"`
	Sightings int       `json:"sightings"`
}

type sightingDoc struct {
	RunID int64         `json:"run_id"`
	Unit  string        `json:"unit"`
	Key   string        `json:"key"`
	Data  heed.Sighting `json:"data"`
}

type requestDoc struct {
	Key       string               `json:"key"`
	Text      string               `json:"text"`
	FirstRun  int64                `json:"first_run"`
	LastRun   int64                `json:"last_run"`
	RunsSeen  int                  `json:"runs_seen"`
	FirstSeen time.Time            `json:"first_seen"`
	LastSeen  time.Time            `json:"last_seen"`
	Class     *heed.Classification `json:"class,omitempty"`
}

// DoneUnits returns the keys of the crawl units a run has stored.
func (s *Store) DoneUnits(ctx context.Context, runID int64) (map[string]bool, error) {
	if err := s.refresh(ctx, kindUnits); err != nil {
		return nil, fmt.Errorf("done units of run %d: %w", runID, err)
	}
	out := map[string]bool{}
	err := s.scan(ctx, kindUnits, map[string]any{"term": map[string]any{"run_id": runID}}, []any{map[string]any{"unit": "asc"}}, 0,
		func(src json.RawMessage) error {
			var d unitDoc
			if err := json.Unmarshal(src, &d); err != nil {
				return err
			}
			out[d.Unit] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("done units of run %d: %w", runID, err)
	}
	return out, nil
}

// requestScript counts a run once per request, however many units of the run sight it.
const requestScript = `if (ctx._source.last_run != params.run) { ctx._source.runs_seen += 1; ctx._source.last_run = params.run; } ctx._source.last_seen = params.ts;`

// PutUnit stores one crawl unit's sightings and marks the unit done. Storing a unit again changes
// nothing: its sightings are created under ids of their own (a second create is a conflict, ignored),
// requests count a run once, and the unit's own document, written last, says it is done.
func (s *Store) PutUnit(ctx context.Context, runID int64, unitKey string, sightings []heed.Sighting, now time.Time) error {
	unitID := strconv.FormatInt(runID, 10) + "-" + id(unitKey)
	got, err := s.es.Get(s.alias(kindUnits), unitID).SourceIncludes_("run_id").Do(ctx)
	if err != nil {
		return fmt.Errorf("store unit of run %d: %w", runID, err)
	}
	if got.Found {
		return nil
	}
	ts := now.UTC()
	var ops []bulkOp
	seen := map[string]bool{}
	for _, sg := range sightings {
		key := heed.Normalize(sg.Text)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		ops = append(ops,
			bulkOp{action: "create", index: s.alias(kindSightings), id: unitID + "-" + id(key),
				body: sightingDoc{RunID: runID, Unit: unitKey, Key: key, Data: sg}},
			bulkOp{action: "update", index: s.alias(kindRequests), id: id(key), body: map[string]any{
				"script": map[string]any{"source": requestScript, "lang": "painless", "params": map[string]any{"run": runID, "ts": ts}},
				"upsert": requestDoc{Key: key, Text: sg.Text, FirstRun: runID, LastRun: runID, RunsSeen: 1, FirstSeen: ts, LastSeen: ts},
			}})
	}
	if err := s.bulk(ctx, ops); err != nil {
		return fmt.Errorf("store unit of run %d: %w", runID, err)
	}
	if _, err := s.es.Index(s.alias(kindUnits)).Id(unitID).Raw(jsonReader(unitDoc{RunID: runID, Unit: unitKey, Stored: ts, Sightings: len(seen)})).Do(ctx); err != nil {
		return fmt.Errorf("store unit of run %d: %w", runID, err)
	}
	return nil
}

// RunRequests returns the requests sighted in a run, by key.
func (s *Store) RunRequests(ctx context.Context, runID int64) ([]store.Request, error) {
	sightings, err := s.RunSightings(ctx, runID)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(sightings))
	for k := range sightings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []store.Request
	for lo := 0; lo < len(keys); lo += 1000 {
		batch := keys[lo:min(lo+1000, len(keys))]
		ids := make([]string, len(batch))
		for i, k := range batch {
			ids[i] = id(k)
		}
		res, err := s.es.Mget().Index(s.alias(kindRequests)).Raw(jsonReader(map[string]any{"ids": ids})).Do(ctx)
		if err != nil {
			return nil, fmt.Errorf("requests of run %d: %w", runID, err)
		}
		for _, d := range res.Docs {
			g, ok := d.(*types.GetResult)
			if !ok || !g.Found {
				continue
			}
			var rd requestDoc
			if err := json.Unmarshal(g.Source_, &rd); err != nil {
				return nil, fmt.Errorf("requests of run %d: %w", runID, err)
			}
			out = append(out, store.Request{Request: heed.Request{Key: rd.Key, Text: rd.Text}, FirstRun: rd.FirstRun, LastRun: rd.LastRun,
				RunsSeen: rd.RunsSeen, FirstSeen: rd.FirstSeen, LastSeen: rd.LastSeen, Class: rd.Class})
		}
	}
	return out, nil
}

// RunSightings returns a run's sightings, grouped by request key, in the order stored.
func (s *Store) RunSightings(ctx context.Context, runID int64) (map[string][]heed.Sighting, error) {
	if err := s.refresh(ctx, kindSightings, kindRequests); err != nil {
		return nil, fmt.Errorf("sightings of run %d: %w", runID, err)
	}
	out := map[string][]heed.Sighting{}
	err := s.scan(ctx, kindSightings, map[string]any{"term": map[string]any{"run_id": runID}},
		[]any{map[string]any{"unit": "asc"}, map[string]any{"key": "asc"}}, 0, func(src json.RawMessage) error {
			var d sightingDoc
			if err := json.Unmarshal(src, &d); err != nil {
				return err
			}
			out[d.Key] = append(out[d.Key], d.Data)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("sightings of run %d: %w", runID, err)
	}
	return out, nil
}

// PutClasses stores the classification of requests, by key.
func (s *Store) PutClasses(ctx context.Context, classes map[string]heed.Classification) error {
	keys := make([]string, 0, len(classes))
	for k := range classes {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same requests for the same classes
	ops := make([]bulkOp, 0, len(classes))
	for _, key := range keys {
		c := classes[key]
		ops = append(ops, bulkOp{action: "update", index: s.alias(kindRequests), id: id(key), body: map[string]any{"doc": map[string]any{"class": c}},
			ignoreMissing: true}) // as the embedded store: a class of a request never stored is dropped
	}
	if err := s.bulk(ctx, ops); err != nil {
		return fmt.Errorf("store classifications: %w", err)
	}
	return nil
}

// ---- pages ----

type pageDoc struct {
	Gen         int64     `json:"gen"`
	Ord         int       `json:"ord"`
	URL         string    `json:"url"`
	Title       string    `json:"title,omitempty"`
	Description string    `json:"description,omitempty"`
	Headings    []string  `json:"headings,omitempty"`
	Body        string    `json:"body,omitempty"`
	Questions   []string  `json:"questions,omitempty"`
	Queries     []string  `json:"queries,omitempty"`
	Type        string    `json:"type,omitempty"`
	Page        heed.Page `json:"page"`
}

// ReplacePages makes pages the organisation's current pages, atomically: they are written under a new
// generation, the generation counter is switched in one write, and the old generation deleted after.
// A reader sees the old pages or the new ones, never a mix.
func (s *Store) ReplacePages(ctx context.Context, pages []heed.Page) error {
	gen := time.Now().UnixNano()
	ops := make([]bulkOp, 0, len(pages))
	for i, p := range pages {
		d := pageDoc{Gen: gen, Ord: i, URL: p.URL, Title: p.Title, Description: p.Description, Headings: p.Headings,
			Body: p.Body, Queries: p.Queries, Type: string(p.Type), Page: p}
		for _, qa := range p.Questions {
			d.Questions = append(d.Questions, qa.Question)
		}
		ops = append(ops, bulkOp{action: "index", index: s.alias(kindPages), id: strconv.FormatInt(gen, 10) + "-" + id(p.URL), body: d})
	}
	if err := s.bulk(ctx, ops); err != nil {
		return fmt.Errorf("store pages: %w", err)
	}
	if _, err := s.es.Index(s.alias(kindMeta)).Id("pages_gen").Refresh(refresh.Waitfor).Raw(jsonReader(map[string]any{"value": gen})).Do(ctx); err != nil {
		return fmt.Errorf("store pages: %w", err)
	}
	if _, err := s.es.DeleteByQuery(s.alias(kindPages)).Raw(jsonReader(map[string]any{
		"query": map[string]any{"bool": map[string]any{"must_not": []any{map[string]any{"term": map[string]any{"gen": gen}}}}},
	})).Conflicts(conflicts.Proceed).Do(ctx); err != nil {
		return fmt.Errorf("store pages: delete the previous generation: %w", err)
	}
	return nil
}

// Pages returns the current pages, in the order they were stored.
func (s *Store) Pages(ctx context.Context) ([]heed.Page, error) {
	g, err := s.es.Get(s.alias(kindMeta), "pages_gen").Do(ctx)
	if err != nil {
		return nil, fmt.Errorf("read pages: %w", err)
	}
	if !g.Found {
		return nil, nil
	}
	var v struct {
		Value int64 `json:"value"`
	}
	if err := json.Unmarshal(g.Source_, &v); err != nil {
		return nil, fmt.Errorf("read pages: %w", err)
	}
	if err := s.refresh(ctx, kindPages); err != nil {
		return nil, fmt.Errorf("read pages: %w", err)
	}
	var out []heed.Page
	err = s.scan(ctx, kindPages, map[string]any{"term": map[string]any{"gen": v.Value}}, []any{map[string]any{"ord": "asc"}}, 0,
		func(src json.RawMessage) error {
			var d pageDoc
			if err := json.Unmarshal(src, &d); err != nil {
				return err
			}
			out = append(out, d.Page)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read pages: %w", err)
	}
	return out, nil
}

// ---- results ----

type resultDoc struct {
	RunID int64      `json:"run_id"`
	Key   string     `json:"key"`
	Gap   bool       `json:"gap"`
	Kind  string     `json:"gap_kind"`
	URL   string     `json:"url,omitempty"`
	Match heed.Match `json:"match"`
}

// PutResults stores a run's matches and gaps, replacing any it had.
func (s *Store) PutResults(ctx context.Context, runID int64, results iter.Seq[store.Result]) error {
	if _, err := s.es.DeleteByQuery(s.alias(kindResults)).Raw(jsonReader(map[string]any{
		"query": map[string]any{"term": map[string]any{"run_id": runID}},
	})).Conflicts(conflicts.Proceed).Refresh(true).Do(ctx); err != nil {
		return fmt.Errorf("store results of run %d: %w", runID, err)
	}
	var ops []bulkOp
	for r := range results {
		ops = append(ops, bulkOp{action: "index", index: s.alias(kindResults), id: strconv.FormatInt(runID, 10) + "-" + id(r.Key),
			body: resultDoc{RunID: runID, Key: r.Key, Gap: r.Gap, Kind: string(r.GapKind), URL: r.URL, Match: r.Match}})
	}
	if err := s.bulk(ctx, ops); err != nil {
		return fmt.Errorf("store results of run %d: %w", runID, err)
	}
	return nil
}

// Results returns a run's matches and gaps, by request key.
func (s *Store) Results(ctx context.Context, runID int64) (map[string]store.Result, error) {
	if err := s.refresh(ctx, kindResults); err != nil {
		return nil, fmt.Errorf("results of run %d: %w", runID, err)
	}
	out := map[string]store.Result{}
	err := s.scan(ctx, kindResults, map[string]any{"term": map[string]any{"run_id": runID}}, []any{map[string]any{"key": "asc"}}, 0,
		func(src json.RawMessage) error {
			var d resultDoc
			if err := json.Unmarshal(src, &d); err != nil {
				return err
			}
			out[d.Key] = store.Result{RunID: runID, Key: d.Key, Match: d.Match}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("results of run %d: %w", runID, err)
	}
	return out, nil
}

// ---- overrides ----

type overrideDoc struct {
	Scope    string        `json:"scope"`
	Key      string        `json:"key"`
	Override heed.Override `json:"override"`
}

// PutOverride stores a content team's decision, replacing any for the same scope and key.
func (s *Store) PutOverride(ctx context.Context, o heed.Override) error {
	if err := o.Validate(); err != nil {
		return err
	}
	_, err := s.es.Index(s.alias(kindOverrides)).Id(id(string(o.Scope), o.Key)).Refresh(refresh.Waitfor).
		Raw(jsonReader(overrideDoc{Scope: string(o.Scope), Key: o.Key, Override: o})).Do(ctx)
	if err != nil {
		return fmt.Errorf("store override %s %q: %w", o.Scope, o.Key, err)
	}
	return nil
}

// DeleteOverride removes the decision for a scope and key.
func (s *Store) DeleteOverride(ctx context.Context, scope heed.OverrideScope, key string) error {
	_, err := s.es.Delete(s.alias(kindOverrides), id(string(scope), key)).Refresh(refresh.Waitfor).Do(ctx)
	if err != nil && !isStatus(err, http.StatusNotFound) {
		return fmt.Errorf("delete override %s %q: %w", scope, key, err)
	}
	return nil
}

// Overrides returns every stored decision, by scope then key.
func (s *Store) Overrides(ctx context.Context) ([]heed.Override, error) {
	out := []heed.Override{}
	err := s.scan(ctx, kindOverrides, map[string]any{"match_all": map[string]any{}},
		[]any{map[string]any{"scope": "asc"}, map[string]any{"key": "asc"}}, 0, func(src json.RawMessage) error {
			var d overrideDoc
			if err := json.Unmarshal(src, &d); err != nil {
				return err
			}
			out = append(out, d.Override)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read overrides: %w", err)
	}
	return out, nil
}
