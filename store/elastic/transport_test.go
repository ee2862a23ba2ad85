package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/store"
)

// The tests in this file run the backend against a fake transport: they assert the exact requests it
// sends and feed it answers written from Elasticsearch 8's documented response shapes (errors, partial
// bulk failures and 429 included), decoded through go-elasticsearch's typed API. They need no cluster.

// call is one request the backend sent.
type call struct {
	Method, Path, Query string
	Body                string
}

func (c call) String() string { return c.Method + " " + c.Path }

// reply is a canned answer.
type reply struct {
	status int
	body   string
}

// fake is an http.RoundTripper that plays Elasticsearch 8.
type fake struct {
	mu     sync.Mutex
	calls  []call
	routes map[string][]reply // "METHOD /path" -> answers, used in turn; the last one repeats
	err    error              // a transport error for every request
	// serve, when set, answers the requests it knows before routes are looked at: a stateful part of
	// Elasticsearch (esVectors).
	serve func(c call) (reply, bool)
}

func newFake() *fake {
	f := &fake{routes: map[string][]reply{}}
	f.on("GET /", 200, `{"name":"node-1","cluster_name":"heed-test","cluster_uuid":"u","version":{"number":"8.15.0","build_flavor":"default","build_type":"docker","build_hash":"h","build_date":"2024-08-05T10:05:34.233336849Z","build_snapshot":false,"lucene_version":"9.11.1","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"}`)
	for _, k := range kinds {
		alias := "heed-" + k.name
		f.on("PUT /_index_template/"+alias, 200, `{"acknowledged":true}`)
		f.on("HEAD /"+alias+"-v1", 200, ``)
		f.on("GET /_alias/"+alias, 200, fmt.Sprintf(`{"%s-v1":{"aliases":{"%s":{"is_write_index":true}}}}`, alias, alias))
	}
	return f
}

// on sets the answers of a route.
func (f *fake) on(route string, status int, body string, more ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = append([]reply{{status, body}}, more...)
}

func (f *fake) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	c := call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(body)}
	f.calls = append(f.calls, c)
	if f.serve != nil {
		if a, ok := f.serve(c); ok {
			return respond(a.status, a.body), nil
		}
	}
	key := r.Method + " " + r.URL.Path
	answers, ok := f.routes[key]
	if !ok {
		return respond(404, fmt.Sprintf(`{"error":{"root_cause":[],"type":"fake_no_route","reason":"no route for %s"},"status":404}`, key)), nil
	}
	a := answers[0]
	if len(answers) > 1 {
		f.routes[key] = answers[1:]
	}
	return respond(a.status, a.body), nil
}

func respond(status int, body string) *http.Response {
	h := http.Header{}
	h.Set("X-Elastic-Product", "Elasticsearch")
	h.Set("Content-Type", "application/json")
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

// sent returns the calls to a route, in order.
func (f *fake) sent(route string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.String() == route {
			out = append(out, c)
		}
	}
	return out
}

func (f *fake) reset() {
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
}

func openFake(t *testing.T, f *fake) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{Transport: f, Backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	f.reset()
	return s
}

// sameJSON compares a request body with the JSON it must be.
func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: body is not JSON: %v\n%s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want: %v", what, err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s body (-want +got):\n%s", what, diff)
	}
}

// ndjson splits a bulk body into its JSON lines.
func ndjson(t *testing.T, body string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bulk line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

var ctx = context.Background()

func TestOpenCreatesTemplatesIndicesAndAliases(t *testing.T) {
	f := newFake()
	f.on("HEAD /heed-pages-v1", 404, ``)
	f.on("PUT /heed-pages-v1", 200, `{"acknowledged":true,"shards_acknowledged":true,"index":"heed-pages-v1"}`)
	f.on("GET /_alias/heed-pages", 404, `{"error":"alias [heed-pages] missing","status":404}`)
	f.on("POST /_aliases", 200, `{"acknowledged":true}`)
	if _, err := Open(ctx, Config{Transport: f}); err != nil {
		t.Fatal(err)
	}
	tpl := f.sent("PUT /_index_template/heed-pages")
	if len(tpl) != 1 {
		t.Fatalf("%d template requests", len(tpl))
	}
	sameJSON(t, "pages template", tpl[0].Body, `{
		"index_patterns": ["heed-pages-v*"], "priority": 200, "version": 1,
		"_meta": {"managed_by": "heed", "schema": 1},
		"template": {"settings": {"number_of_shards": 1, "refresh_interval": "1s"},
			"mappings": {"dynamic": false, "properties": {
				"gen": {"type": "long"}, "ord": {"type": "integer"}, "url": {"type": "keyword"}, "type": {"type": "keyword"},
				"title": {"type": "text", "analyzer": "english"}, "headings": {"type": "text", "analyzer": "english"},
				"description": {"type": "text", "analyzer": "english"}, "body": {"type": "text", "analyzer": "english"},
				"questions": {"type": "text", "analyzer": "english"}, "queries": {"type": "text", "analyzer": "english"},
				"page": {"type": "object", "enabled": false}}}}}`)
	if c := f.sent("PUT /heed-pages-v1"); len(c) != 1 {
		t.Errorf("index created %d times", len(c))
	}
	al := f.sent("POST /_aliases")
	if len(al) != 1 {
		t.Fatalf("%d alias requests", len(al))
	}
	sameJSON(t, "alias", al[0].Body, `{"actions": [{"add": {"index": "heed-pages-v1", "alias": "heed-pages", "is_write_index": true}}]}`)
	// Kinds already set up are left alone.
	if c := f.sent("PUT /heed-runs-v1"); len(c) != 0 {
		t.Error("an existing index was created again")
	}
}

func TestOpenMigratesAnOlderIndexThroughTheAlias(t *testing.T) {
	f := newFake()
	f.on("HEAD /heed-runs-v1", 404, ``)
	f.on("PUT /heed-runs-v1", 200, `{"acknowledged":true,"shards_acknowledged":true,"index":"heed-runs-v1"}`)
	f.on("GET /_alias/heed-runs", 200, `{"heed-runs-v0":{"aliases":{"heed-runs":{"is_write_index":true}}}}`)
	f.on("POST /_reindex", 200, `{"took":147,"timed_out":false,"total":12,"updated":0,"created":12,"deleted":0,"batches":1,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}`)
	f.on("POST /_aliases", 200, `{"acknowledged":true}`)
	if _, err := Open(ctx, Config{Transport: f}); err != nil {
		t.Fatal(err)
	}
	re := f.sent("POST /_reindex")
	if len(re) != 1 || !strings.Contains(re[0].Query, "wait_for_completion=true") {
		t.Fatalf("reindex calls %+v", re)
	}
	sameJSON(t, "reindex", re[0].Body, `{"source": {"index": "heed-runs-v0"}, "dest": {"index": "heed-runs-v1", "op_type": "create"}, "conflicts": "proceed"}`)
	al := f.sent("POST /_aliases")
	if len(al) != 1 {
		t.Fatalf("%d alias requests", len(al))
	}
	// One request: readers never see the alias pointing nowhere.
	sameJSON(t, "alias swap", al[0].Body, `{"actions": [
		{"remove": {"index": "heed-runs-v0", "alias": "heed-runs"}},
		{"add": {"index": "heed-runs-v1", "alias": "heed-runs", "is_write_index": true}}]}`)
}

func TestOpenExplainsWhatIsWrong(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fake)
		want  string
	}{
		{"too old", func(f *fake) {
			f.on("GET /", 200, `{"name":"n","cluster_name":"c","cluster_uuid":"u","version":{"number":"7.17.9","build_flavor":"default","build_type":"tar","build_hash":"h","build_date":"2023-01-31T05:34:43.305517834Z","build_snapshot":false,"lucene_version":"8.11.1","minimum_wire_compatibility_version":"6.8.0","minimum_index_compatibility_version":"6.0.0-beta1"},"tagline":"You Know, for Search"}`)
		}, "is version 7.17.9: heed needs 8.0 or later"},
		{"wrong credentials", func(f *fake) {
			f.on("GET /", 401, `{"error":{"root_cause":[{"type":"security_exception","reason":"unable to authenticate user [heed] for REST request [/]"}],"type":"security_exception","reason":"unable to authenticate user [heed] for REST request [/]"},"status":401}`)
		}, "refused heed's credentials (401)"},
		{"no privilege", func(f *fake) {
			f.on("PUT /_index_template/heed-runs", 403, `{"error":{"root_cause":[{"type":"security_exception","reason":"action [indices:admin/index_template/put] is unauthorized for user [heed]"}],"type":"security_exception","reason":"action [indices:admin/index_template/put] is unauthorized for user [heed]"},"status":403}`)
		}, "is unauthorized for user [heed]"},
		{"unreachable", func(f *fake) {
			f.err = &netError{syscall.ECONNREFUSED}
		}, "cannot reach elasticsearch at http://127.0.0.1:9200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			tt.setup(f)
			_, err := Open(ctx, Config{Transport: f, MaxRetries: 1, Backoff: func(int) time.Duration { return time.Millisecond }})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// netError is a connection refused, as the dialer reports it.
type netError struct{ err error }

func (e *netError) Error() string   { return "dial tcp 127.0.0.1:9200: connect: " + e.err.Error() }
func (e *netError) Timeout() bool   { return false }
func (e *netError) Temporary() bool { return false }
func (e *netError) Unwrap() error   { return e.err }

func TestBeginRunTakesTheNextIDAndCreatesTheRun(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /heed-runs/_search", 200, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":1,"relation":"eq"},"max_score":null,"hits":[{"_index":"heed-runs-v1","_id":"6","_score":null,"_source":{"id":6,"job":"nightly","started":"2026-11-01T03:00:00Z","finished":"2026-11-01T03:10:00Z","status":"ok","stats":{}},"sort":[6]}]}}`)
	f.on("POST /heed-meta/_update/run_seq", 200, `{"_index":"heed-meta-v1","_id":"run_seq","_version":7,"result":"updated","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":7,"_primary_term":1,"get":{"_seq_no":7,"_primary_term":1,"found":true,"_source":{"value":7}}}`)
	f.on("PUT /heed-runs/_doc/7", 201, `{"_index":"heed-runs-v1","_id":"7","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":3,"_primary_term":1}`)
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	run, resumed, err := s.BeginRun(ctx, "nightly", now)
	if err != nil || resumed || run.ID != 7 || run.Status != store.StatusRunning {
		t.Fatalf("BeginRun = %+v, %v, %v", run, resumed, err)
	}
	sameJSON(t, "last run search", f.sent("POST /heed-runs/_search")[0].Body, `{"size": 1, "query": {"term": {"job": "nightly"}}, "sort": [{"id": "desc"}]}`)
	upd := f.sent("POST /heed-meta/_update/run_seq")[0]
	sameJSON(t, "counter", upd.Body, `{"script": {"source": "ctx._source.value += 1", "lang": "painless"}, "upsert": {"value": 1}, "_source": true}`)
	if !strings.Contains(upd.Query, "retry_on_conflict=10") {
		t.Errorf("counter query %q", upd.Query)
	}
	cr := f.sent("PUT /heed-runs/_doc/7")
	if len(cr) != 1 || !strings.Contains(cr[0].Query, "refresh=wait_for") || !strings.Contains(cr[0].Query, "op_type=create") {
		t.Fatalf("create %+v", cr)
	}
	sameJSON(t, "run", cr[0].Body, `{"id": 7, "job": "nightly", "started": "2026-11-02T03:00:00Z", "status": "running", "stats": {"sightings":0,"requests":0,"new":0,"recurring":0,"disappeared":0,"pages":0,"answered":0,"gaps":0,"duration_seconds":0,"service_issues":0,"dismissed":0,"topics":0,"cannibalised":0,"replies":0}}`)
}

func TestBeginRunResumesAnUnfinishedRun(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /heed-runs/_search", 200, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":1,"relation":"eq"},"max_score":null,"hits":[{"_index":"heed-runs-v1","_id":"9","_score":null,"_source":{"id":9,"job":"nightly","started":"2026-11-02T03:00:00Z","status":"running","stats":{}},"sort":[9]}]}}`)
	run, resumed, err := s.BeginRun(ctx, "nightly", time.Now())
	if err != nil || !resumed || run.ID != 9 {
		t.Fatalf("BeginRun = %+v, %v, %v", run, resumed, err)
	}
	if c := f.sent("POST /heed-meta/_update/run_seq"); len(c) != 0 {
		t.Error("a resumed run took a new id")
	}
}

func TestFinishRunOfAMissingRun(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /heed-runs/_update/41", 404, `{"error":{"root_cause":[{"type":"document_missing_exception","reason":"[41]: document missing","index_uuid":"x","shard":"0","index":"heed-runs-v1"}],"type":"document_missing_exception","reason":"[41]: document missing","index_uuid":"x","shard":"0","index":"heed-runs-v1"},"status":404}`)
	err := s.FinishRun(ctx, store.Run{ID: 41, Job: "nightly", Status: store.StatusOK, Finished: time.Now()})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FinishRun = %v, want store.ErrNotFound", err)
	}
}

const bulkOK = `{"took":30,"errors":false,"items":[]}`

func TestPutUnitWritesSightingsRequestsThenTheUnit(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("GET /heed-units/_doc/"+unitID(3, "suggest|lark"), 200, `{"_index":"heed-units-v1","_id":"x","found":false}`)
	f.on("POST /_bulk", 200, `{"took":30,"errors":false,"items":[
		{"create":{"_index":"heed-sightings-v1","_id":"a","_version":1,"result":"created","status":201,"_seq_no":0,"_primary_term":1,"_shards":{"total":2,"successful":1,"failed":0}}},
		{"update":{"_index":"heed-requests-v1","_id":"b","_version":1,"result":"created","status":201,"_seq_no":0,"_primary_term":1,"_shards":{"total":2,"successful":1,"failed":0}}}]}`)
	f.on("PUT /heed-units/_doc/"+unitID(3, "suggest|lark"), 201, `{"_index":"heed-units-v1","_id":"x","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}`)
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	err := s.PutUnit(ctx, 3, "suggest|lark", []heed.Sighting{
		{Text: "Lark Battery", Source: "opensearch", Position: 1}, {Text: "lark battery", Source: "opensearch", Position: 2}, {Text: "  "},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	order := []string{}
	for _, c := range f.calls {
		order = append(order, c.String())
	}
	want := []string{"GET /heed-units/_doc/" + unitID(3, "suggest|lark"), "POST /_bulk", "PUT /heed-units/_doc/" + unitID(3, "suggest|lark")}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}
	lines := ndjson(t, f.sent("POST /_bulk")[0].Body)
	if len(lines) != 4 {
		t.Fatalf("%d bulk lines, want 4 (one request, sighted twice in the unit, counts once)", len(lines))
	}
	sid := unitID(3, "suggest|lark") + "-" + id("lark battery")
	if diff := cmp.Diff(map[string]any{"create": map[string]any{"_index": "heed-sightings", "_id": sid}}, lines[0]); diff != "" {
		t.Errorf("sighting action (-want +got):\n%s", diff)
	}
	if lines[1]["key"] != "lark battery" || lines[1]["run_id"] != float64(3) {
		t.Errorf("sighting %v", lines[1])
	}
	if diff := cmp.Diff(map[string]any{"update": map[string]any{"_index": "heed-requests", "_id": id("lark battery"), "retry_on_conflict": float64(10)}}, lines[2]); diff != "" {
		t.Errorf("request action (-want +got):\n%s", diff)
	}
	script := lines[3]["script"].(map[string]any)
	if script["source"] != requestScript || lines[3]["upsert"].(map[string]any)["runs_seen"] != float64(1) {
		t.Errorf("request update %v", lines[3])
	}
	unit := f.sent("PUT /heed-units/_doc/" + unitID(3, "suggest|lark"))[0]
	sameJSON(t, "unit", unit.Body, `{"run_id": 3, "unit": "suggest|lark", "stored": "2026-11-02T03:00:00Z", "sightings": 1}`)
}

func unitID(run int64, unit string) string { return fmt.Sprint(run) + "-" + id(unit) }

func TestPutUnitStoredBeforeChangesNothing(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("GET /heed-units/_doc/"+unitID(3, "u"), 200, `{"_index":"heed-units-v1","_id":"x","_version":1,"_seq_no":0,"_primary_term":1,"found":true,"_source":{"run_id":3}}`)
	if err := s.PutUnit(ctx, 3, "u", []heed.Sighting{{Text: "lark"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 1 {
		t.Errorf("calls %v, want only the lookup", f.calls)
	}
}

func TestBulkPartialFailureIsAnError(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /_bulk", 200, `{"took":3,"errors":true,"items":[
		{"index":{"_index":"heed-results-v1","_id":"1-a","_version":1,"result":"created","status":201,"_seq_no":1,"_primary_term":1,"_shards":{"total":2,"successful":1,"failed":0}}},
		{"index":{"_index":"heed-results-v1","_id":"1-b","status":400,"error":{"type":"document_parsing_exception","reason":"[1:15] failed to parse field [gap] of type [boolean]"}}}]}`)
	f.on("POST /heed-results/_delete_by_query", 200, `{"took":5,"timed_out":false,"total":0,"deleted":0,"batches":0,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}`)
	err := s.PutResults(ctx, 1, slices.Values([]store.Result{{Key: "a"}, {Key: "b"}}))
	if err == nil || !strings.Contains(err.Error(), "1 of 2 operations failed") || !strings.Contains(err.Error(), "document_parsing_exception") {
		t.Errorf("PutResults = %v, want the failed item named", err)
	}
	del := f.sent("POST /heed-results/_delete_by_query")
	if len(del) != 1 || !strings.Contains(del[0].Query, "conflicts=proceed") {
		t.Fatalf("delete %+v", del)
	}
	sameJSON(t, "delete old results", del[0].Body, `{"query": {"term": {"run_id": 1}}}`)
}

func TestBulkItemsRefusedForLoadAreSentAgain(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /_bulk", 200, `{"took":3,"errors":true,"items":[
		{"update":{"_index":"heed-requests-v1","_id":"`+id("a")+`","_version":2,"result":"updated","status":200,"_seq_no":1,"_primary_term":1,"_shards":{"total":2,"successful":1,"failed":0}}},
		{"update":{"_index":"heed-requests-v1","_id":"`+id("b")+`","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}}}]}`,
		reply{200, `{"took":2,"errors":false,"items":[{"update":{"_index":"heed-requests-v1","_id":"` + id("b") + `","_version":2,"result":"updated","status":200,"_seq_no":2,"_primary_term":1,"_shards":{"total":2,"successful":1,"failed":0}}}]}`})
	err := s.PutClasses(ctx, map[string]heed.Classification{"a": {Intent: heed.Informational}, "b": {Intent: heed.Commercial}})
	if err != nil {
		t.Fatal(err)
	}
	bulks := f.sent("POST /_bulk")
	if len(bulks) != 2 {
		t.Fatalf("%d bulk requests, want 2", len(bulks))
	}
	second := ndjson(t, bulks[1].Body)
	if len(second) != 2 || second[0]["update"].(map[string]any)["_id"] != id("b") {
		t.Errorf("second bulk %v, want only the refused item", second)
	}
	if second[1]["doc"].(map[string]any)["class"].(map[string]any)["intent"] != "commercial" {
		t.Errorf("second bulk body %v", second[1])
	}
}

func TestBulkCreateOfAnExistingDocumentIsNotAnError(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /_bulk", 200, `{"took":3,"errors":true,"items":[
		{"create":{"_index":"heed-sightings-v1","_id":"x","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[x]: version conflict, document already exists (current version [1])"}}}]}`)
	if err := s.bulk(ctx, []bulkOp{{action: "create", index: "heed-sightings", id: "x", body: map[string]any{"run_id": 1}}}); err != nil {
		t.Errorf("bulk = %v", err)
	}
}

func TestRequestsRefusedForLoadAreRetriedByTheClient(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("PUT /heed-overrides/_doc/"+id("request", "lark jobs"), 429,
		`{"error":{"root_cause":[{"type":"es_rejected_execution_exception","reason":"rejected execution"}],"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}`,
		reply{201, `{"_index":"heed-overrides-v1","_id":"x","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}`})
	o := heed.Override{Scope: heed.ScopeRequest, Key: "lark jobs", Action: heed.OverrideWontAnswer, Created: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	if err := s.PutOverride(ctx, o); err != nil {
		t.Fatal(err)
	}
	calls := f.sent("PUT /heed-overrides/_doc/" + id("request", "lark jobs"))
	if len(calls) != 2 || calls[0].Body != calls[1].Body {
		t.Fatalf("%d attempts, want 2 with the same body", len(calls))
	}
	sameJSON(t, "override", calls[1].Body, `{"scope": "request", "key": "lark jobs", "override": {"scope": "request", "key": "lark jobs", "action": "wont_answer", "created": "2026-11-02T00:00:00Z"}}`)
	if !strings.Contains(calls[1].Query, "refresh=wait_for") {
		t.Errorf("query %q", calls[1].Query)
	}
}

func TestDeleteOverrideThatIsNotThere(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("DELETE /heed-overrides/_doc/"+id("topic", "kid seat"), 404, `{"_index":"heed-overrides-v1","_id":"x","_version":1,"result":"not_found","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":4,"_primary_term":1}`)
	if err := s.DeleteOverride(ctx, heed.ScopeTopic, "kid seat"); err != nil {
		t.Errorf("DeleteOverride = %v", err)
	}
}

func TestRunsPagesWithSearchAfter(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	hit := func(id int) string {
		return fmt.Sprintf(`{"_index":"heed-runs-v1","_id":"%d","_score":null,"_source":{"id":%d,"job":"nightly","started":"2026-11-01T03:00:00Z","finished":"2026-11-01T03:10:00Z","status":"ok","stats":{"requests":%d}},"sort":[%d]}`, id, id, id*10, id)
	}
	f.on("POST /heed-runs/_search", 200, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[`+hit(5)+`,`+hit(4)+`]}}`)
	runs, err := s.Runs(ctx, "nightly", 2)
	if err != nil || len(runs) != 2 || runs[0].ID != 5 || runs[0].Stats.Requests != 50 || runs[1].Finished.IsZero() {
		t.Fatalf("Runs = %+v, %v", runs, err)
	}
	sameJSON(t, "runs search", f.sent("POST /heed-runs/_search")[0].Body, `{"size": 2, "track_total_hits": false,
		"query": {"bool": {"filter": [{"term": {"job": "nightly"}}], "must_not": [{"term": {"status": "running"}}]}},
		"sort": [{"id": "desc"}]}`)
	// Paging: a full page asks for the next one after the last sort value.
	f.reset()
	page := make([]string, 1000)
	for i := range page {
		page[i] = hit(2000 - i)
	}
	f.on("POST /heed-runs/_search", 200, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[`+strings.Join(page, ",")+`]}}`,
		reply{200, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[` + hit(3) + `]}}`})
	runs, err = s.Runs(ctx, "nightly", 0)
	if err != nil || len(runs) != 1001 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	calls := f.sent("POST /heed-runs/_search")
	if len(calls) != 2 || !strings.Contains(calls[1].Body, `"search_after":[1001]`) {
		t.Errorf("second page %v", calls)
	}
}

func TestReplacePagesSwitchesGenerations(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /_bulk", 200, bulkOK)
	f.on("PUT /heed-meta/_doc/pages_gen", 200, `{"_index":"heed-meta-v1","_id":"pages_gen","_version":2,"result":"updated","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":9,"_primary_term":1}`)
	f.on("POST /heed-pages/_delete_by_query", 200, `{"took":5,"timed_out":false,"total":3,"deleted":3,"batches":1,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}`)
	pages := []heed.Page{{URL: "https://lark.example/a", Title: "Charge your battery", Questions: []heed.QA{{Question: "How long?", Answer: "Five hours."}}, Type: heed.PageGuide}}
	if err := s.ReplacePages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	order := []string{}
	for _, c := range f.calls {
		order = append(order, c.String())
	}
	if diff := cmp.Diff([]string{"POST /_bulk", "PUT /heed-meta/_doc/pages_gen", "POST /heed-pages/_delete_by_query"}, order); diff != "" {
		t.Fatalf("order (-want +got):\n%s", diff)
	}
	lines := ndjson(t, f.sent("POST /_bulk")[0].Body)
	gen := lines[1]["gen"].(float64)
	if lines[1]["questions"].([]any)[0] != "How long?" || lines[1]["title"] != "Charge your battery" || lines[1]["ord"] != float64(0) {
		t.Errorf("page document %v", lines[1])
	}
	meta := f.sent("PUT /heed-meta/_doc/pages_gen")[0]
	sameJSON(t, "generation", meta.Body, fmt.Sprintf(`{"value": %d}`, int64(gen)))
	if !strings.Contains(meta.Query, "refresh=wait_for") {
		t.Errorf("the switch is not visible at once: %q", meta.Query)
	}
	sameJSON(t, "delete old", f.sent("POST /heed-pages/_delete_by_query")[0].Body,
		fmt.Sprintf(`{"query": {"bool": {"must_not": [{"term": {"gen": %d}}]}}}`, int64(gen)))
}

func TestPagesReadsTheCurrentGeneration(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("GET /heed-meta/_doc/pages_gen", 200, `{"_index":"heed-meta-v1","_id":"pages_gen","_version":2,"_seq_no":9,"_primary_term":1,"found":true,"_source":{"value":42}}`)
	f.on("POST /heed-pages/_refresh", 200, `{"_shards":{"total":2,"successful":1,"failed":0}}`)
	f.on("POST /heed-pages/_search", 200, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[
		{"_index":"heed-pages-v1","_id":"42-a","_score":null,"_source":{"gen":42,"ord":0,"url":"https://lark.example/a","page":{"url":"https://lark.example/a","title":"A","type":"guide"}},"sort":[0]}]}}`)
	pages, err := s.Pages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]heed.Page{{URL: "https://lark.example/a", Title: "A", Type: heed.PageGuide}}, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	sameJSON(t, "pages search", f.sent("POST /heed-pages/_search")[0].Body, `{"size": 1000, "track_total_hits": false, "query": {"term": {"gen": 42}}, "sort": [{"ord": "asc"}]}`)
}

func TestLockJob(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	// Free: created.
	f.on("PUT /heed-locks/_doc/nightly", 201, `{"_index":"heed-locks-v1","_id":"nightly","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":11,"_primary_term":2}`)
	f.on("DELETE /heed-locks/_doc/nightly", 200, `{"_index":"heed-locks-v1","_id":"nightly","_version":2,"result":"deleted","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":12,"_primary_term":2}`)
	release, err := s.LockJob(ctx, "nightly", now)
	if err != nil {
		t.Fatal(err)
	}
	cr := f.sent("PUT /heed-locks/_doc/nightly")[0]
	if !strings.Contains(cr.Query, "op_type=create") {
		t.Errorf("lock write %q: want op_type=create", cr.Query)
	}
	var doc lockDoc
	json.Unmarshal([]byte(cr.Body), &doc)
	if doc.Job != "nightly" || doc.Holder != holderName() || !doc.Expires.Equal(now.Add(LockTTL)) {
		t.Errorf("lock document %+v", doc)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	del := f.sent("DELETE /heed-locks/_doc/nightly")
	if len(del) != 1 || !strings.Contains(del[0].Query, "if_seq_no=11") || !strings.Contains(del[0].Query, "if_primary_term=2") {
		t.Errorf("release %+v: want a delete conditional on our write", del)
	}

	// Held by a live worker: refused, naming it.
	conflict := `{"error":{"root_cause":[{"type":"version_conflict_engine_exception","reason":"[nightly]: version conflict, document already exists (current version [1])"}],"type":"version_conflict_engine_exception","reason":"[nightly]: version conflict, document already exists (current version [1])"},"status":409}`
	f.on("PUT /heed-locks/_doc/nightly", 409, conflict)
	f.on("GET /heed-locks/_doc/nightly", 200, `{"_index":"heed-locks-v1","_id":"nightly","_version":1,"_seq_no":20,"_primary_term":2,"found":true,"_source":{"job":"nightly","holder":"worker-2:4242","acquired":"2026-11-02T02:59:00Z","expires":"2026-11-02T03:01:00Z"}}`)
	if _, err := s.LockJob(ctx, "nightly", now); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "worker-2:4242") {
		t.Errorf("held: %v", err)
	}

	// Expired: taken over, conditionally on the version read.
	f.reset()
	f.on("GET /heed-locks/_doc/nightly", 200, `{"_index":"heed-locks-v1","_id":"nightly","_version":1,"_seq_no":20,"_primary_term":2,"found":true,"_source":{"job":"nightly","holder":"worker-2:4242","acquired":"2026-11-02T01:00:00Z","expires":"2026-11-02T01:02:00Z"}}`)
	f.on("PUT /heed-locks/_doc/nightly", 409, conflict, reply{200, `{"_index":"heed-locks-v1","_id":"nightly","_version":2,"result":"updated","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":21,"_primary_term":2}`})
	release, err = s.LockJob(ctx, "nightly", now)
	if err != nil {
		t.Fatalf("expired lock: %v", err)
	}
	take := f.sent("PUT /heed-locks/_doc/nightly")
	if len(take) != 2 || !strings.Contains(take[1].Query, "if_seq_no=20") || strings.Contains(take[1].Query, "op_type=create") {
		t.Errorf("takeover %+v", take)
	}
	release()

	// Another worker took it over first: refused.
	f.on("PUT /heed-locks/_doc/nightly", 409, conflict, reply{409, conflict})
	if _, err := s.LockJob(ctx, "nightly", now); !errors.Is(err, store.ErrLocked) {
		t.Errorf("lost takeover: %v", err)
	}
}

func TestPingWrites(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("PUT /heed-meta/_doc/ping", 200, `{"_index":"heed-meta-v1","_id":"ping","_version":3,"result":"updated","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":3,"_primary_term":1}`)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	f.on("PUT /heed-meta/_doc/ping", 403, `{"error":{"root_cause":[{"type":"cluster_block_exception","reason":"index [heed-meta-v1] blocked by: [FORBIDDEN/8/index write (api)];"}],"type":"cluster_block_exception","reason":"index [heed-meta-v1] blocked by: [FORBIDDEN/8/index write (api)];"},"status":403}`)
	if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), "blocked") {
		t.Errorf("Ping on a read-only index = %v", err)
	}
}

func TestRunRequestsJoinsSightingsAndRequests(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /heed-sightings,heed-requests/_refresh", 200, `{"_shards":{"total":4,"successful":2,"failed":0}}`)
	f.on("POST /heed-sightings/_search", 200, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[
		{"_index":"heed-sightings-v1","_id":"s1","_score":null,"_source":{"run_id":3,"unit":"u1","key":"lark battery","data":{"text":"Lark battery","source":"opensearch","url":"","seed":"lark","expansion":"","position":1}},"sort":["u1","lark battery"]},
		{"_index":"heed-sightings-v1","_id":"s2","_score":null,"_source":{"run_id":3,"unit":"u2","key":"lark battery","data":{"text":"lark battery","source":"reddit","url":"","seed":"","expansion":"","position":4}},"sort":["u2","lark battery"]}]}}`)
	f.on("POST /heed-requests/_mget", 200, `{"docs":[{"_index":"heed-requests-v1","_id":"`+id("lark battery")+`","_version":2,"_seq_no":5,"_primary_term":1,"found":true,"_source":{"key":"lark battery","text":"Lark battery","first_run":1,"last_run":3,"runs_seen":2,"first_seen":"2026-11-01T03:00:00Z","last_seen":"2026-11-03T03:00:00Z","class":{"intent":"informational","confidence":0.9,"question_type":"none","modifiers":[]}}}]}`)
	reqs, err := s.RunRequests(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 || reqs[0].RunsSeen != 2 || reqs[0].FirstRun != 1 || reqs[0].Class == nil || reqs[0].Class.Intent != heed.Informational {
		t.Fatalf("RunRequests = %+v", reqs)
	}
	sameJSON(t, "mget", f.sent("POST /heed-requests/_mget")[0].Body, fmt.Sprintf(`{"ids": [%q]}`, id("lark battery")))
	sameJSON(t, "sightings search", f.sent("POST /heed-sightings/_search")[0].Body, `{"size": 1000, "track_total_hits": false,
		"query": {"term": {"run_id": 3}}, "sort": [{"unit": "asc"}, {"key": "asc"}]}`)
}

func TestBulkRequestThatFailsWhole(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /_bulk", 500, `{"error":{"root_cause":[{"type":"illegal_state_exception","reason":"node is shutting down"}],"type":"illegal_state_exception","reason":"node is shutting down"},"status":500}`)
	err := s.PutClasses(ctx, map[string]heed.Classification{"a": {Intent: heed.Informational}})
	if err == nil {
		t.Fatal("a bulk request answered 500 was taken as done")
	}
}

func TestClassOfARequestNeverStoredIsDropped(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /_bulk", 200, `{"took":3,"errors":true,"items":[
		{"update":{"_index":"heed-requests-v1","_id":"`+id("ghost")+`","status":404,"error":{"type":"document_missing_exception","reason":"[`+id("ghost")+`]: document missing","index":"heed-requests-v1","shard":"0","index_uuid":"u"}}}]}`)
	if err := s.PutClasses(ctx, map[string]heed.Classification{"ghost": {Intent: heed.Navigational}}); err != nil {
		t.Errorf("PutClasses = %v, want the missing request skipped as the embedded store does", err)
	}
}
