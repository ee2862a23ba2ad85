package storetest

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/store"
)

// vectorTests are the cases of the vector cache.
var vectorTests = []test{
	{"VectorsRoundTrip", testVectorsRoundTrip},
	{"VectorsMissingKeys", testVectorsMissing},
	{"VectorsReplace", testVectorsReplace},
	{"VectorsModelsApart", testVectorsModels},
	{"VectorsRefused", testVectorsRefused},
	{"VectorsAcrossBatches", testVectorsLarge},
	{"VectorsConcurrentWriters", testVectorsConcurrent},
}

// RunVectors runs the vector cache's cases alone, for a fake of a backend that plays only the requests
// they make (PutVectors, Vectors, DropVectors, PutOverride).
func RunVectors(t *testing.T, newStore func(t *testing.T) store.Store) {
	run(t, newStore, vectorTests)
}

// bitExact compares floats by their bits: -0 is not 0, and every bit of a float32 must come back.
var bitExact = cmp.Comparer(func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) })

func putVectors(t *testing.T, s store.Store, model string, vecs map[string][]float32) {
	t.Helper()
	must(t, s.PutVectors(ctx(), model, maps.All(vecs)))
}

func getVectors(t *testing.T, s store.Store, model string, keys ...string) map[string][]float32 {
	t.Helper()
	got, err := s.Vectors(ctx(), model, keys)
	must(t, err)
	return got
}

func testVectorsRoundTrip(t *testing.T, s store.Store) {
	// Hostile keys (a page's whole text among them) and the floats that a lossy encoding would change.
	page := strings.Repeat("Charge the Lark battery for five hours before the first ride. ", 2000)
	in := map[string][]float32{
		"lark battery range":              {0.5, -0.25, 1e-3, 3},
		`robert'); drop table vectors;--`: {float32(math.Copysign(0, -1)), 0, math.SmallestNonzeroFloat32, -math.MaxFloat32},
		"naïve café 日本語 \U0001F600":       {math.MaxFloat32, 1e-38, 0.1, -0.3},
		page:                              {1.0000001, 0.99999994, 16777217, -1.5e-45},
		"":                                {1, 2, 3, 4},
	}
	putVectors(t, s, "use-lite-v1", in)
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	got := getVectors(t, s, "use-lite-v1", keys...)
	if diff := cmp.Diff(in, got, bitExact); diff != "" {
		t.Errorf("vectors round trip (-want +got):\n%s", diff)
	}
	// The store keeps no slice it was given: a caller may yield every vector in the same one.
	buf := make([]float32, 2)
	must(t, s.PutVectors(ctx(), "reused", func(yield func(string, []float32) bool) {
		for i := range 3 {
			buf[0], buf[1] = float32(i), float32(-i)
			if !yield(fmt.Sprintf("key %d", i), buf) {
				return
			}
		}
	}))
	buf[0] = 42
	want := map[string][]float32{"key 0": {0, 0}, "key 1": {1, -1}, "key 2": {2, -2}}
	if diff := cmp.Diff(want, getVectors(t, s, "reused", "key 0", "key 1", "key 2"), bitExact); diff != "" {
		t.Errorf("vectors yielded in one slice (-want +got):\n%s", diff)
	}
	// What comes back is the caller's: changing it changes nothing stored.
	got["lark battery range"][0] = 42
	again := getVectors(t, s, "use-lite-v1", "lark battery range")
	if again["lark battery range"][0] != 0.5 {
		t.Errorf("a change to a returned vector reached the store: %v", again)
	}
}

func testVectorsMissing(t *testing.T, s store.Store) {
	tests := []struct {
		name  string
		model string
		keys  []string
		want  map[string][]float32
	}{
		{"some stored", "m1", []string{"a", "never stored", "b"}, map[string][]float32{"a": {1, 0}, "b": {0, 1}}},
		{"none stored", "m1", []string{"x", "y"}, map[string][]float32{}},
		{"no keys", "m1", nil, map[string][]float32{}},
		{"a key asked twice", "m1", []string{"a", "a"}, map[string][]float32{"a": {1, 0}}},
		{"unknown model", "m2", []string{"a", "b"}, map[string][]float32{}},
	}
	putVectors(t, s, "m1", map[string][]float32{"a": {1, 0}, "b": {0, 1}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := getVectors(t, s, tt.model, tt.keys...)
			if diff := cmp.Diff(tt.want, got, bitExact); diff != "" {
				t.Errorf("Vectors(%s, %q) (-want +got):\n%s", tt.model, tt.keys, diff)
			}
		})
	}
}

func testVectorsReplace(t *testing.T, s store.Store) {
	putVectors(t, s, "m", map[string][]float32{"a": {1, 1}, "b": {2, 2}})
	putVectors(t, s, "m", map[string][]float32{"a": {3, 3}, "c": {4, 4}})
	// A key yielded twice in one call keeps its last vector.
	must(t, s.PutVectors(ctx(), "m", func(yield func(string, []float32) bool) {
		_ = yield("c", []float32{5, 5}) && yield("c", []float32{6, 6})
	}))
	want := map[string][]float32{"a": {3, 3}, "b": {2, 2}, "c": {6, 6}}
	if diff := cmp.Diff(want, getVectors(t, s, "m", "a", "b", "c"), bitExact); diff != "" {
		t.Errorf("after replacing (-want +got):\n%s", diff)
	}
	// An empty put changes nothing.
	must(t, s.PutVectors(ctx(), "m", maps.All(map[string][]float32{})))
	if diff := cmp.Diff(want, getVectors(t, s, "m", "a", "b", "c"), bitExact); diff != "" {
		t.Errorf("after an empty put (-want +got):\n%s", diff)
	}
}

func testVectorsModels(t *testing.T, s store.Store) {
	// The same key under two versions of a model, of different lengths, and a third model.
	putVectors(t, s, "use-lite-v1", map[string][]float32{"lark": {1, 2}, "only v1": {3, 4}})
	putVectors(t, s, "use-lite-v2", map[string][]float32{"lark": {5, 6, 7}})
	putVectors(t, s, "other", map[string][]float32{"lark": {8}})
	for _, c := range []struct {
		model string
		want  map[string][]float32
	}{
		{"use-lite-v1", map[string][]float32{"lark": {1, 2}, "only v1": {3, 4}}},
		{"use-lite-v2", map[string][]float32{"lark": {5, 6, 7}}},
		{"other", map[string][]float32{"lark": {8}}},
	} {
		if diff := cmp.Diff(c.want, getVectors(t, s, c.model, "lark", "only v1"), bitExact); diff != "" {
			t.Errorf("vectors of %s (-want +got):\n%s", c.model, diff)
		}
	}
	// Dropping keeps only the model named; dropping again, or keeping a model without vectors, is no error.
	must(t, s.DropVectors(ctx(), "use-lite-v2"))
	must(t, s.DropVectors(ctx(), "use-lite-v2"))
	if got := getVectors(t, s, "use-lite-v1", "lark", "only v1"); len(got) != 0 {
		t.Errorf("vectors of a dropped model: %v", got)
	}
	if got := getVectors(t, s, "other", "lark"); len(got) != 0 {
		t.Errorf("vectors of a dropped model: %v", got)
	}
	if diff := cmp.Diff(map[string][]float32{"lark": {5, 6, 7}}, getVectors(t, s, "use-lite-v2", "lark"), bitExact); diff != "" {
		t.Errorf("vectors of the kept model (-want +got):\n%s", diff)
	}
	// A dropped model can be stored again, at its length.
	putVectors(t, s, "use-lite-v1", map[string][]float32{"lark": {9, 9}})
	if got := getVectors(t, s, "use-lite-v1", "lark", "only v1"); len(got) != 1 {
		t.Errorf("a dropped model stored again: %v", got)
	}
	must(t, s.DropVectors(ctx(), ""))
	if got := getVectors(t, s, "use-lite-v2", "lark"); len(got) != 0 {
		t.Errorf("DropVectors(\"\") kept %v", got)
	}
}

func testVectorsRefused(t *testing.T, s store.Store) {
	putVectors(t, s, "m", map[string][]float32{"a": {1, 2, 3}})
	tests := []struct {
		name  string
		model string
		vec   []float32
	}{
		{"no model", "", []float32{1, 2, 3}},
		{"empty vector", "m", []float32{}},
		{"nil vector", "new model", nil},
		{"NaN", "m", []float32{1, float32(math.NaN()), 3}},
		{"infinity", "m", []float32{1, 2, float32(math.Inf(-1))}},
		{"another length", "m", []float32{1, 2}},
		{"another length later in the call", "new model", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seq := func(yield func(string, []float32) bool) { yield("b", tt.vec) }
			if tt.name == "another length later in the call" {
				seq = func(yield func(string, []float32) bool) {
					_ = yield("b", []float32{1}) && yield("c", []float32{1, 2})
				}
			}
			err := s.PutVectors(ctx(), tt.model, seq)
			if !errors.Is(err, store.ErrBadVector) {
				t.Errorf("PutVectors(%q, %v) = %v, want store.ErrBadVector", tt.model, tt.vec, err)
			}
		})
	}
	if diff := cmp.Diff(map[string][]float32{"a": {1, 2, 3}}, getVectors(t, s, "m", "a", "b"), bitExact); diff != "" {
		t.Errorf("after refused puts (-want +got):\n%s", diff)
	}
}

// largeVectors is more vectors than one batch of any backend holds (the embedded store writes 2,000 a
// transaction and reads 500 a query; Elasticsearch's bulk and mget take 1,000 and 500).
const largeVectors = 5001

func testVectorsLarge(t *testing.T, s store.Store) {
	vec := func(i int) []float32 { return []float32{float32(i), float32(-i), 1 / float32(i+1)} }
	must(t, s.PutVectors(ctx(), "m", func(yield func(string, []float32) bool) {
		for i := range largeVectors {
			if !yield(fmt.Sprintf("request %d", i), vec(i)) {
				return
			}
		}
	}))
	// Ask for every other stored key, and as many never stored, interleaved.
	var keys []string
	for i := 0; i < largeVectors; i += 2 {
		keys = append(keys, fmt.Sprintf("request %d", i), fmt.Sprintf("never %d", i))
	}
	got := getVectors(t, s, "m", keys...)
	if len(got) != (largeVectors+1)/2 {
		t.Fatalf("%d vectors read back, want %d", len(got), (largeVectors+1)/2)
	}
	for i := 0; i < largeVectors; i += 2 {
		k := fmt.Sprintf("request %d", i)
		if diff := cmp.Diff(vec(i), got[k], bitExact); diff != "" {
			t.Fatalf("vector of %q (-want +got):\n%s", k, diff)
		}
	}
}

func testVectorsConcurrent(t *testing.T, s store.Store) {
	const writers, puts, per = 4, 5, 30
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range writers {
		wg.Go(func() {
			model := fmt.Sprintf("model %d", w%2)
			for p := range puts {
				vecs := map[string][]float32{}
				for i := range per {
					vecs[fmt.Sprintf("w%d p%d i%d", w, p, i)] = []float32{float32(w), float32(p), float32(i)}
				}
				if err := s.PutVectors(ctx(), model, maps.All(vecs)); err != nil {
					errs <- err
					return
				}
				if _, err := s.Vectors(ctx(), model, []string{fmt.Sprintf("w%d p%d i0", w, p)}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	// Other writers meanwhile.
	wg.Go(func() {
		for i := range 10 {
			o := heed.Override{Scope: heed.ScopeRequest, Key: fmt.Sprintf("request %d", i), Action: heed.OverrideWontAnswer, Created: t0}
			if err := s.PutOverride(ctx(), o); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for w := range writers {
		var keys []string
		for p := range puts {
			for i := range per {
				keys = append(keys, fmt.Sprintf("w%d p%d i%d", w, p, i))
			}
		}
		got := getVectors(t, s, fmt.Sprintf("model %d", w%2), keys...)
		if len(got) != puts*per {
			t.Errorf("writer %d: %d vectors stored, want %d", w, len(got), puts*per)
		}
		for _, k := range keys {
			var p, i int
			fmt.Sscanf(k, fmt.Sprintf("w%d p%%d i%%d", w), &p, &i)
			if diff := cmp.Diff([]float32{float32(w), float32(p), float32(i)}, got[k], bitExact); diff != "" {
				t.Fatalf("vector of %q (-want +got):\n%s", k, diff)
			}
		}
	}
}
