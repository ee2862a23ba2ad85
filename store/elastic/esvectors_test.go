package elastic

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/storetest"
)

// TestVectorConformance runs the conformance suite's vector cases against the fake transport, with
// esVectors keeping the documents, so that every backend passes them without a cluster.
// (TestConformance runs them, with the rest, against a real one.)
func TestVectorConformance(t *testing.T) {
	storetest.RunVectors(t, func(t *testing.T) store.Store {
		f := newFake()
		e := newESVectors()
		f.serve = e.serve
		s := openFake(t, f)
		t.Cleanup(func() {
			if e.unmapped > 0 {
				t.Errorf("%d vectors were indexed into a field not yet mapped as a dense_vector", e.unmapped)
			}
		})
		return s
	})
}

// esVectors plays, keeping documents, the part of Elasticsearch 8 that the vector cache talks to: GET
// and create of documents in the meta index, put mapping, bulk index, _mget, refresh and delete by query
// on the vectors index, and the override writes of the concurrent case. Its answers have the shapes of
// the recorded ones in transport_test.go. As in Elasticsearch, a document indexed since the last refresh
// is not seen by a delete by query, and a vector of another length than its field's dims is refused.
type esVectors struct {
	meta     map[string]json.RawMessage
	docs     map[string]esDoc
	fields   map[string]int // mapped dense_vector fields: their dims
	seq      int
	unmapped int // vectors indexed into a field not (yet) mapped: Elasticsearch would not refuse them
}

type esDoc struct {
	source  json.RawMessage
	version int
	pending bool // not yet refreshed
}

func newESVectors() *esVectors {
	return &esVectors{meta: map[string]json.RawMessage{}, docs: map[string]esDoc{}, fields: map[string]int{}}
}

const conflictReply = `{"error":{"root_cause":[{"type":"version_conflict_engine_exception","reason":"[%[1]s]: version conflict, document already exists (current version [1])"}],"type":"version_conflict_engine_exception","reason":"[%[1]s]: version conflict, document already exists (current version [1])"},"status":409}`

func (e *esVectors) serve(c call) (reply, bool) {
	route := c.Method + " " + c.Path
	doc, isDoc := strings.CutPrefix(c.Path, "/heed-meta/_doc/")
	switch {
	case c.Method == "GET" && isDoc:
		src, ok := e.meta[doc]
		if !ok {
			return reply{404, fmt.Sprintf(`{"_index":"heed-meta-v1","_id":%q,"found":false}`, doc)}, true
		}
		return reply{200, fmt.Sprintf(`{"_index":"heed-meta-v1","_id":%q,"_version":1,"_seq_no":0,"_primary_term":1,"found":true,"_source":%s}`, doc, src)}, true
	case c.Method == "PUT" && isDoc && strings.Contains(c.Query, "op_type=create"):
		if _, ok := e.meta[doc]; ok {
			return reply{409, fmt.Sprintf(conflictReply, doc)}, true
		}
		e.meta[doc] = json.RawMessage(c.Body)
		return reply{201, fmt.Sprintf(`{"_index":"heed-meta-v1","_id":%q,"_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}`, doc)}, true
	case c.Method == "PUT" && strings.HasPrefix(c.Path, "/heed-overrides/_doc/"):
		return reply{201, `{"_index":"heed-overrides-v1","_id":"x","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}`}, true
	case route == "PUT /heed-vectors/_mapping":
		return e.putMapping(c.Body), true
	case route == "POST /_bulk" && strings.Contains(c.Body, `"_index":"heed-vectors"`):
		return e.bulk(c.Body), true
	case route == "POST /heed-vectors/_mget":
		return e.mget(c.Body), true
	case route == "POST /heed-vectors/_refresh":
		for id, d := range e.docs {
			d.pending = false
			e.docs[id] = d
		}
		return reply{200, `{"_shards":{"total":2,"successful":1,"failed":0}}`}, true
	case route == "POST /heed-vectors/_delete_by_query":
		return e.deleteByQuery(c.Body), true
	}
	return reply{}, false
}

func badRequest(typ, reason string) reply {
	return reply{400, fmt.Sprintf(`{"error":{"root_cause":[{"type":%[1]q,"reason":%[2]q}],"type":%[1]q,"reason":%[2]q},"status":400}`, typ, reason)}
}

func (e *esVectors) putMapping(body string) reply {
	var m struct {
		Properties map[string]struct {
			Type  string `json:"type"`
			Dims  int    `json:"dims"`
			Index *bool  `json:"index"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		return badRequest("parse_exception", err.Error())
	}
	for name, f := range m.Properties {
		if f.Type != "dense_vector" || f.Dims <= 0 || f.Index == nil || *f.Index {
			return badRequest("mapper_parsing_exception", fmt.Sprintf("the fake maps only dense_vector fields of dims > 0 and index false, not %s %+v", name, f))
		}
		if d, ok := e.fields[name]; ok && d != f.Dims {
			return badRequest("illegal_argument_exception", fmt.Sprintf("Mapper for [%s] conflicts with existing mapper:\n\tCannot update parameter [dims] from [%d] to [%d]", name, d, f.Dims))
		}
		e.fields[name] = f.Dims
	}
	return reply{200, `{"acknowledged":true}`}
}

// bulk indexes the documents of a bulk request of index actions on heed-vectors.
func (e *esVectors) bulk(body string) reply {
	lines := strings.Split(strings.TrimSpace(body), "\n")
	var items []string
	for i := 0; i+1 < len(lines); i += 2 {
		var action map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &action); err != nil || action["index"].Index != "heed-vectors" {
			return badRequest("illegal_argument_exception", fmt.Sprintf("the fake indexes only into heed-vectors: %s", lines[i]))
		}
		id := action["index"].ID
		if reason := e.checkVector(id, lines[i+1]); reason != "" {
			items = append(items, fmt.Sprintf(`{"index":{"_index":"heed-vectors-v1","_id":%q,"status":400,"error":{"type":"document_parsing_exception","reason":%q}}}`, id, reason))
			continue
		}
		d, replaced := e.docs[id]
		d.source, d.version, d.pending = json.RawMessage(lines[i+1]), d.version+1, true
		e.docs[id] = d
		result, status := "created", 201
		if replaced {
			result, status = "updated", 200
		}
		e.seq++
		items = append(items, fmt.Sprintf(`{"index":{"_index":"heed-vectors-v1","_id":%q,"_version":%d,"result":%q,"_shards":{"total":2,"successful":1,"failed":0},"_seq_no":%d,"_primary_term":1,"status":%d}}`,
			id, d.version, result, e.seq, status))
	}
	return reply{200, fmt.Sprintf(`{"took":3,"errors":%v,"items":[%s]}`, strings.Contains(strings.Join(items, ""), `"error"`), strings.Join(items, ","))}
}

// checkVector says why Elasticsearch would refuse a document's vectors, or "".
func (e *esVectors) checkVector(id, source string) string {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(source), &doc); err != nil {
		return "failed to parse: " + err.Error()
	}
	for name, raw := range doc {
		if !strings.HasPrefix(name, "vector_") {
			continue
		}
		var v []float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Sprintf("failed to parse field [%s] of type [dense_vector]: %v", name, err)
		}
		dims, ok := e.fields[name]
		switch {
		case !ok:
			e.unmapped++
		case len(v) != dims:
			return fmt.Sprintf("The [dense_vector] field [%s] in doc [document with id '%s'] has a different number of dimensions [%d] than defined in the mapping [%d]", name, id, len(v), dims)
		}
	}
	return ""
}

func (e *esVectors) mget(body string) reply {
	var req struct {
		IDs []string `json:"ids"`
	}
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		return badRequest("parse_exception", err.Error())
	}
	docs := make([]string, len(req.IDs))
	for i, id := range req.IDs {
		d, ok := e.docs[id]
		if !ok {
			docs[i] = fmt.Sprintf(`{"_index":"heed-vectors-v1","_id":%q,"found":false}`, id)
			continue
		}
		docs[i] = fmt.Sprintf(`{"_index":"heed-vectors-v1","_id":%q,"_version":%d,"_seq_no":%d,"_primary_term":1,"found":true,"_source":%s}`, id, d.version, e.seq, d.source)
	}
	return reply{200, `{"docs":[` + strings.Join(docs, ",") + `]}`}
}

// deleteByQuery deletes the refreshed documents whose model is not the one a bool must_not term names.
func (e *esVectors) deleteByQuery(body string) reply {
	var q struct {
		Query struct {
			Bool struct {
				MustNot []struct {
					Term map[string]string `json:"term"`
				} `json:"must_not"`
			} `json:"bool"`
		} `json:"query"`
	}
	if err := json.Unmarshal([]byte(body), &q); err != nil || len(q.Query.Bool.MustNot) != 1 {
		return badRequest("parsing_exception", "the fake deletes only by one must_not term: "+body)
	}
	keep, ok := q.Query.Bool.MustNot[0].Term["model"]
	if !ok {
		return badRequest("parsing_exception", "the fake deletes only by model: "+body)
	}
	deleted := 0
	for id, d := range e.docs {
		var doc struct {
			Model string `json:"model"`
		}
		json.Unmarshal(d.source, &doc)
		if !d.pending && doc.Model != keep {
			delete(e.docs, id)
			deleted++
		}
	}
	return reply{200, fmt.Sprintf(`{"took":5,"timed_out":false,"total":%[1]d,"deleted":%[1]d,"batches":1,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}`, deleted)}
}
