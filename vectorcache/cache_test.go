package vectorcache

import (
	"context"
	"errors"
	"iter"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/store/embedded"
)

// countingEncoder gives each text a vector of its length and first byte, and counts the texts it was
// asked to encode.
type countingEncoder struct{ n atomic.Int64 }

func (*countingEncoder) Dim() int { return 3 }

func (e *countingEncoder) EncodeInto(dst []float32, texts []string) {
	e.n.Add(int64(len(texts)))
	for i, t := range texts {
		var b byte
		if t != "" {
			b = t[0]
		}
		copy(dst[i*3:], []float32{float32(len(t)), float32(b), 1})
	}
}

func encodeAll(c *Cache, texts []string) [][]float32 {
	flat := make([]float32, len(texts)*c.Dim())
	c.EncodeInto(flat, texts)
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = flat[i*3 : (i+1)*3]
	}
	return out
}

func TestEncodedOnceEver(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	enc := &countingEncoder{}
	texts := []string{"reset password", "ebike range", "reset password", "", "lark jobs"}
	fresh := &countingEncoder{}
	want := make([]float32, len(texts)*3)
	fresh.EncodeInto(want, texts)

	first := New(ctx, enc, st, "m1", nil)
	got1 := encodeAll(first, texts)
	if n := enc.n.Load(); n != 4 {
		t.Errorf("first night encoded %d texts, want the 4 distinct ones", n)
	}
	// A second night (a new cache on the same store) encodes only what it has not seen.
	second := New(ctx, enc, st, "m1", nil)
	got2 := encodeAll(second, append(texts, "lark store amsterdam"))
	if n := enc.n.Load(); n != 5 {
		t.Errorf("after the second night %d texts were encoded, want 5 (one new)", n)
	}
	if h, e := second.Stats(); h != 4 || e != 1 {
		t.Errorf("second night: %d hits, %d encoded; want 4 and 1", h, e)
	}
	for i := range texts {
		if diff := cmp.Diff(want[i*3:(i+1)*3], got1[i]); diff != "" {
			t.Errorf("first night, text %d: %s", i, diff)
		}
		if diff := cmp.Diff(want[i*3:(i+1)*3], got2[i]); diff != "" {
			t.Errorf("second night, text %d: %s", i, diff)
		}
	}
	// Another model version never reads these vectors.
	other := New(ctx, enc, st, "m2", nil)
	encodeAll(other, texts[:1])
	if h, _ := other.Stats(); h != 0 {
		t.Errorf("model m2 read %d vectors of m1", h)
	}
}

// TestManyTextsInChunks: more texts than a chunk, with repeats across chunks, come back in order.
func TestManyTextsInChunks(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	texts := make([]string, 3*chunk+7)
	for i := range texts {
		texts[i] = strings.Repeat("x", i%(chunk+3)+1)
	}
	enc := &countingEncoder{}
	c := New(ctx, enc, st, "m", nil)
	got := encodeAll(c, texts)
	for i, v := range got {
		if v[0] != float32(len(texts[i])) {
			t.Fatalf("text %d: vector %v, want length %d first", i, v, len(texts[i]))
		}
	}
}

// brokenStore fails every call.
type brokenStore struct{ calls atomic.Int64 }

func (s *brokenStore) Vectors(context.Context, string, []string) (map[string][]float32, error) {
	s.calls.Add(1)
	return nil, errors.New("disk on fire")
}

func (s *brokenStore) PutVectors(context.Context, string, iter.Seq2[string, []float32]) error {
	s.calls.Add(1)
	return errors.New("disk on fire")
}

// TestBrokenStoreStillEncodes: a store that fails costs the cache, not the vectors; it is asked once.
func TestBrokenStoreStillEncodes(t *testing.T) {
	st := &brokenStore{}
	c := New(context.Background(), &countingEncoder{}, st, "m", nil)
	for range 3 {
		if got := encodeAll(c, []string{"abc"}); got[0][0] != 3 {
			t.Fatalf("vector %v", got[0])
		}
	}
	if n := st.calls.Load(); n != 1 {
		t.Errorf("the broken store was called %d times, want once", n)
	}
}
