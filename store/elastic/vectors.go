package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/conflicts"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/optype"

	"github.com/heed-dev/heed/store"
)

// The vector cache: one document a model and key in PREFIX-vectors, under the id id(model, key):
//
//	{"model": "use-lite-en-0.2.0-f32", "vector_512": [0.0123, -0.0456, ...]}
//
// A vector of n floats is kept in the field vector_n, a dense_vector of dims n with index: false (heed
// only fetches vectors by id, with _mget, and never searches them): the field is added to the mapping
// by PutVectors the first time a store meets that length, so that a model of another length gets a
// field of its own instead of being refused by the first one's. A model's length is kept in the meta
// index, as the document vector_dims-id(model), {"value": n}, created once.
//
// Floats travel as JSON numbers, the shortest text that reads back as the same float32, and come back
// bit for bit from _source. (Elasticsearch 9.2 leaves dense_vector fields out of _source by default; a
// vector missing from a document found is skipped and counted, and the log says why.)

// vectorBulk is how many vectors one bulk call sends (about 6 MB of JSON at 512 floats; the bulk
// indexer flushes every 4 MB), and vectorMget how many one _mget asks for.
const (
	vectorBulk = 1000
	vectorMget = 500
)

type vectorDims struct {
	Value int `json:"value"`
}

func vectorField(dims int) string { return "vector_" + strconv.Itoa(dims) }

func dimsDocID(model string) string { return "vector_dims-" + id(model) }

// modelDims returns the length of model's vectors, or 0 when none was ever stored.
func (s *Store) modelDims(ctx context.Context, model string) (int, error) {
	s.vmu.Lock()
	dims := s.dims[model]
	s.vmu.Unlock()
	if dims > 0 {
		return dims, nil
	}
	res, err := s.es.Get(s.alias(kindMeta), dimsDocID(model)).Do(ctx)
	if err != nil {
		return 0, err
	}
	if !res.Found {
		return 0, nil
	}
	var d vectorDims
	if err := json.Unmarshal(res.Source_, &d); err != nil || d.Value <= 0 {
		return 0, fmt.Errorf("the length of the vectors of %s reads %s", model, res.Source_)
	}
	s.vmu.Lock()
	s.dims[model] = d.Value
	s.vmu.Unlock()
	return d.Value, nil
}

// setModelDims makes want the length of model's vectors if it has none yet, maps the field of that
// length, and returns the model's length, which another worker may have set first.
func (s *Store) setModelDims(ctx context.Context, model string, want int) (int, error) {
	dims, err := s.modelDims(ctx, model)
	if err != nil {
		return 0, err
	}
	if dims > 0 {
		// Mapped already, but perhaps in an index a migration replaced since: mapping it again is
		// acknowledged, once a store.
		return dims, s.mapVectorField(ctx, dims)
	}
	_, err = s.es.Index(s.alias(kindMeta)).Id(dimsDocID(model)).OpType(optype.Create).Raw(jsonReader(vectorDims{want})).Do(ctx)
	switch {
	case isStatus(err, http.StatusConflict):
		if dims, err = s.modelDims(ctx, model); err != nil {
			return 0, err
		}
	case err != nil:
		return 0, err
	default:
		dims = want
	}
	if err := s.mapVectorField(ctx, dims); err != nil {
		return 0, err
	}
	s.vmu.Lock()
	s.dims[model] = dims
	s.vmu.Unlock()
	return dims, nil
}

// mapVectorField adds the dense_vector field of vectors of dims floats to the mapping (a field that is
// already there, the same, is acknowledged too), once a store.
func (s *Store) mapVectorField(ctx context.Context, dims int) error {
	s.vmu.Lock()
	done := s.mapped[dims]
	s.vmu.Unlock()
	if done {
		return nil
	}
	_, err := s.es.Indices.PutMapping(s.alias(kindVectors)).Raw(jsonReader(map[string]any{
		"properties": map[string]any{vectorField(dims): map[string]any{"type": "dense_vector", "dims": dims, "index": false}},
	})).Do(ctx)
	if err != nil {
		return fmt.Errorf("map %s: %w", vectorField(dims), err)
	}
	s.vmu.Lock()
	s.mapped[dims] = true
	s.vmu.Unlock()
	return nil
}

// PutVectors stores vectors of model by key, replacing any, vectorBulk at a time through the bulk API.
func (s *Store) PutVectors(ctx context.Context, model string, vecs iter.Seq2[string, []float32]) error {
	if err := s.putVectors(ctx, model, vecs); err != nil {
		return fmt.Errorf("store vectors of %s: %w", model, err)
	}
	return nil
}

func (s *Store) putVectors(ctx context.Context, model string, vecs iter.Seq2[string, []float32]) error {
	dims := 0
	ops := make([]bulkOp, 0, vectorBulk)
	for key, v := range vecs {
		if err := store.CheckVector(model, v, dims); err != nil {
			return err
		}
		if dims == 0 {
			var err error
			if dims, err = s.setModelDims(ctx, model, len(v)); err != nil {
				return err
			}
			if err := store.CheckVector(model, v, dims); err != nil {
				return err
			}
		}
		// Marshalled now: the caller may yield its next vector in the same slice.
		body, err := json.Marshal(map[string]any{"model": model, vectorField(dims): v})
		if err != nil {
			return err
		}
		ops = append(ops, bulkOp{action: "index", index: s.alias(kindVectors), id: id(model, key), body: json.RawMessage(body)})
		if len(ops) == vectorBulk {
			if err := s.bulk(ctx, ops); err != nil {
				return err
			}
			ops = ops[:0]
		}
	}
	return s.bulk(ctx, ops)
}

// Vectors returns the stored vectors of model for keys, vectorMget at a time. A document found without
// its vector, or with one of another length, is skipped, logged and counted.
func (s *Store) Vectors(ctx context.Context, model string, keys []string) (map[string][]float32, error) {
	out, err := s.vectors(ctx, model, keys)
	if err != nil {
		return nil, fmt.Errorf("read vectors of %s: %w", model, err)
	}
	return out, nil
}

func (s *Store) vectors(ctx context.Context, model string, keys []string) (map[string][]float32, error) {
	out := map[string][]float32{}
	dims, err := s.modelDims(ctx, model)
	if err != nil || dims == 0 {
		return out, err
	}
	field := vectorField(dims)
	byID := make(map[string]string, min(len(keys), vectorMget))
	for lo := 0; lo < len(keys); lo += vectorMget {
		batch := keys[lo:min(lo+vectorMget, len(keys))]
		clear(byID)
		ids := make([]string, len(batch))
		for i, k := range batch {
			ids[i] = id(model, k)
			byID[ids[i]] = k
		}
		res, err := s.es.Mget().Index(s.alias(kindVectors)).Raw(jsonReader(map[string]any{"ids": ids})).Do(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range res.Docs {
			switch d := d.(type) {
			case *types.GetResult:
				if !d.Found {
					continue
				}
				key := byID[d.Id_]
				v, err := decodeVector(d.Source_, field, dims)
				if err != nil {
					s.skip("vectors", fmt.Errorf("vector of %.60q for %s (document %s): %w", key, model, d.Id_, err))
					continue
				}
				out[key] = v
			case *types.MultiGetError:
				return nil, fmt.Errorf("document %s: %s: %s", d.Id_, d.Error.Type, deref(d.Error.Reason))
			}
		}
	}
	return out, nil
}

// decodeVector reads the vector of dims floats in field of a document's source.
func decodeVector(src json.RawMessage, field string, dims int) ([]float32, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	raw, ok := doc[field]
	if !ok {
		return nil, fmt.Errorf("no %s in its _source (an index that leaves vectors out of _source, index.mapping.exclude_source_vectors, keeps heed from reading them)", field)
	}
	var v []float32
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	if len(v) != dims {
		return nil, fmt.Errorf("%d floats, not %d", len(v), dims)
	}
	return v, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// DropVectors forgets the vectors of every model but keep, with one delete by query (after a refresh, so
// that it sees the vectors just written). The models' lengths stay in the meta index, and the mapping
// keeps its fields.
func (s *Store) DropVectors(ctx context.Context, keep string) error {
	if err := s.refresh(ctx, kindVectors); err != nil {
		return fmt.Errorf("drop vectors of models but %q: %w", keep, err)
	}
	_, err := s.es.DeleteByQuery(s.alias(kindVectors)).Raw(jsonReader(map[string]any{
		"query": map[string]any{"bool": map[string]any{"must_not": []any{map[string]any{"term": map[string]any{"model": keep}}}}},
	})).Conflicts(conflicts.Proceed).Do(ctx)
	if err != nil {
		return fmt.Errorf("drop vectors of models but %q: %w", keep, err)
	}
	return nil
}
