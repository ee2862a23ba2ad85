package elastic

import (
	"bytes"
	"errors"
	"log/slog"
	"maps"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/store"
)

func order(f *fake) []string {
	var out []string
	for _, c := range f.calls {
		out = append(out, c.String())
	}
	return out
}

const dimsNotFound = `{"_index":"heed-meta-v1","_id":"x","found":false}`

func TestOpenCreatesTheVectorsIndex(t *testing.T) {
	f := newFake()
	f.on("HEAD /heed-vectors-v1", 404, ``)
	f.on("PUT /heed-vectors-v1", 200, `{"acknowledged":true,"shards_acknowledged":true,"index":"heed-vectors-v1"}`)
	f.on("GET /_alias/heed-vectors", 404, `{"error":"alias [heed-vectors] missing","status":404}`)
	f.on("POST /_aliases", 200, `{"acknowledged":true}`)
	if _, err := Open(ctx, Config{Transport: f}); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "vectors template", f.sent("PUT /_index_template/heed-vectors")[0].Body, `{
		"index_patterns": ["heed-vectors-v*"], "priority": 200, "version": 1,
		"_meta": {"managed_by": "heed", "schema": 1},
		"template": {"settings": {"number_of_shards": 1, "refresh_interval": "1s"},
			"mappings": {"dynamic": false, "properties": {"model": {"type": "keyword"}}}}}`)
	sameJSON(t, "alias", f.sent("POST /_aliases")[0].Body, `{"actions": [{"add": {"index": "heed-vectors-v1", "alias": "heed-vectors", "is_write_index": true}}]}`)
}

// The first vectors of a model record its length, map the dense_vector field of that length, then go
// through the bulk API; later ones only through the bulk API.
func TestPutVectorsRecordsTheLengthMapsTheFieldThenIndexes(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	dimsDoc := "/heed-meta/_doc/vector_dims-" + id("use-lite")
	f.on("GET "+dimsDoc, 404, dimsNotFound)
	f.on("PUT "+dimsDoc, 201, `{"_index":"heed-meta-v1","_id":"x","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":4,"_primary_term":1}`)
	f.on("PUT /heed-vectors/_mapping", 200, `{"acknowledged":true}`)
	f.on("POST /_bulk", 200, `{"took":4,"errors":false,"items":[
		{"index":{"_index":"heed-vectors-v1","_id":"`+id("use-lite", "lark battery")+`","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}}]}`)
	negZero := float32(math.Copysign(0, -1))
	if err := s.PutVectors(ctx, "use-lite", maps.All(map[string][]float32{"lark battery": {0.1, negZero, math.SmallestNonzeroFloat32}})); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"GET " + dimsDoc, "PUT " + dimsDoc, "PUT /heed-vectors/_mapping", "POST /_bulk"}, order(f)); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}
	put := f.sent("PUT " + dimsDoc)[0]
	sameJSON(t, "length", put.Body, `{"value": 3}`)
	if !strings.Contains(put.Query, "op_type=create") {
		t.Errorf("the length is written with %q: want op_type=create, so that the first worker's stands", put.Query)
	}
	sameJSON(t, "mapping", f.sent("PUT /heed-vectors/_mapping")[0].Body,
		`{"properties": {"vector_3": {"type": "dense_vector", "dims": 3, "index": false}}}`)
	bulk := f.sent("POST /_bulk")[0].Body
	lines := ndjson(t, bulk)
	if diff := cmp.Diff(map[string]any{"index": map[string]any{"_index": "heed-vectors", "_id": id("use-lite", "lark battery")}}, lines[0]); diff != "" {
		t.Errorf("bulk action (-want +got):\n%s", diff)
	}
	// The floats as the shortest text that reads back as the same float32: -0 and the least one kept.
	if want := `{"model":"use-lite","vector_3":[0.1,-0,1e-45]}`; !strings.Contains(bulk, want+"\n") {
		t.Errorf("bulk body %s\nwant the document %s", bulk, want)
	}

	f.reset()
	if err := s.PutVectors(ctx, "use-lite", maps.All(map[string][]float32{"lark range": {1, 2, 3}})); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"POST /_bulk"}, order(f)); diff != "" {
		t.Errorf("calls of a second put (-want +got):\n%s", diff)
	}
}

// Two workers meeting a new model at once: the second's create of the length conflicts, and it reads
// the first's, refusing its own vectors of another length before sending any.
func TestPutVectorsOfALengthAnotherWorkerSetFirst(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	dimsDoc := "/heed-meta/_doc/vector_dims-" + id("use-lite")
	f.on("GET "+dimsDoc, 404, dimsNotFound,
		reply{200, `{"_index":"heed-meta-v1","_id":"x","_version":1,"_seq_no":4,"_primary_term":1,"found":true,"_source":{"value":512}}`})
	f.on("PUT "+dimsDoc, 409, `{"error":{"root_cause":[{"type":"version_conflict_engine_exception","reason":"[x]: version conflict, document already exists (current version [1])"}],"type":"version_conflict_engine_exception","reason":"[x]: version conflict, document already exists (current version [1])"},"status":409}`)
	f.on("PUT /heed-vectors/_mapping", 200, `{"acknowledged":true}`)
	err := s.PutVectors(ctx, "use-lite", maps.All(map[string][]float32{"lark": {1, 2, 3}}))
	if !errors.Is(err, store.ErrBadVector) || !strings.Contains(err.Error(), "3 floats where the vectors of use-lite have 512") {
		t.Errorf("PutVectors = %v, want store.ErrBadVector naming both lengths", err)
	}
	if c := f.sent("POST /_bulk"); len(c) != 0 {
		t.Errorf("vectors of the wrong length were sent: %v", c)
	}
	if c := f.sent("PUT /heed-vectors/_mapping"); len(c) != 1 || !strings.Contains(c[0].Body, `"vector_512"`) {
		t.Errorf("mapping %v, want the field of the model's length", c)
	}
}

func TestVectorsReadsByMgetAndSkipsWhatItCannotRead(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	var logged bytes.Buffer
	s.SetLogger(slog.New(slog.NewTextHandler(&logged, nil)))
	f.on("GET /heed-meta/_doc/vector_dims-"+id("m"), 200, `{"_index":"heed-meta-v1","_id":"x","_version":1,"_seq_no":4,"_primary_term":1,"found":true,"_source":{"value":2}}`)
	doc := func(key, source string) string {
		return `{"_index":"heed-vectors-v1","_id":"` + id("m", key) + `","_version":1,"_seq_no":3,"_primary_term":1,"found":true,"_source":` + source + `}`
	}
	f.on("POST /heed-vectors/_mget", 200, `{"docs":[`+
		doc("good", `{"model":"m","vector_2":[0.5,-1e-45]}`)+`,`+
		`{"_index":"heed-vectors-v1","_id":"`+id("m", "absent")+`","found":false},`+
		doc("no vector", `{"model":"m"}`)+`,`+
		doc("short", `{"model":"m","vector_2":[0.5]}`)+`]}`)
	got, err := s.Vectors(ctx, "m", []string{"good", "absent", "no vector", "short"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]float32{"good": {0.5, -math.SmallestNonzeroFloat32}}, got); diff != "" {
		t.Errorf("vectors (-want +got):\n%s", diff)
	}
	sameJSON(t, "mget", f.sent("POST /heed-vectors/_mget")[0].Body,
		`{"ids": ["`+id("m", "good")+`", "`+id("m", "absent")+`", "`+id("m", "no vector")+`", "`+id("m", "short")+`"]}`)
	if n := s.Unreadable(); n != 2 {
		t.Errorf("Unreadable() = %d, want 2", n)
	}
	for _, want := range []string{`no vector_2 in its _source`, `exclude_source_vectors`, `1 floats, not 2`} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logged.String())
		}
	}
}

func TestVectorsOfAModelNeverStoredAsksNothingMore(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("GET /heed-meta/_doc/vector_dims-"+id("m"), 404, dimsNotFound)
	got, err := s.Vectors(ctx, "m", []string{"a", "b"})
	if err != nil || len(got) != 0 {
		t.Fatalf("Vectors = %v, %v; want none", got, err)
	}
	if diff := cmp.Diff([]string{"GET /heed-meta/_doc/vector_dims-" + id("m")}, order(f)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestVectorsFailsOnADocumentTheClusterCouldNotGet(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("GET /heed-meta/_doc/vector_dims-"+id("m"), 200, `{"_index":"heed-meta-v1","_id":"x","_version":1,"_seq_no":4,"_primary_term":1,"found":true,"_source":{"value":2}}`)
	f.on("POST /heed-vectors/_mget", 200, `{"docs":[{"_index":"heed-vectors-v1","_id":"`+id("m", "a")+`","error":{"root_cause":[{"type":"no_shard_available_action_exception","reason":"No shard available for [get [heed-vectors-v1][`+id("m", "a")+`]: routing [null]]"}],"type":"no_shard_available_action_exception","reason":"No shard available for [get [heed-vectors-v1][`+id("m", "a")+`]: routing [null]]"}}]}`)
	_, err := s.Vectors(ctx, "m", []string{"a"})
	if err == nil || !strings.Contains(err.Error(), "no_shard_available_action_exception") {
		t.Errorf("Vectors = %v, want the document's error", err)
	}
}

func TestDropVectorsRefreshesThenDeletesByQuery(t *testing.T) {
	f := newFake()
	s := openFake(t, f)
	f.on("POST /heed-vectors/_refresh", 200, `{"_shards":{"total":2,"successful":1,"failed":0}}`)
	f.on("POST /heed-vectors/_delete_by_query", 200, `{"took":51,"timed_out":false,"total":2000,"deleted":2000,"batches":2,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}`)
	if err := s.DropVectors(ctx, "use-lite-v2"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"POST /heed-vectors/_refresh", "POST /heed-vectors/_delete_by_query"}, order(f)); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}
	del := f.sent("POST /heed-vectors/_delete_by_query")[0]
	sameJSON(t, "delete", del.Body, `{"query": {"bool": {"must_not": [{"term": {"model": "use-lite-v2"}}]}}}`)
	if !strings.Contains(del.Query, "conflicts=proceed") {
		t.Errorf("delete query %q: want conflicts=proceed", del.Query)
	}
}
