// Package vectorcache keeps the vectors of a sentence encoder in the store, by text and model version,
// so that a recurring request or an unchanged page is encoded once ever: a second night on the same data
// reads its vectors instead of computing them.
package vectorcache

import (
	"context"
	"iter"
	"log/slog"
	"sync/atomic"
)

// Encoder encodes texts into vectors of Dim floats (encoder.Encoder).
type Encoder interface {
	EncodeInto(dst []float32, texts []string)
	Dim() int
}

// Store keeps vectors by model and key (store.Store).
type Store interface {
	Vectors(ctx context.Context, model string, keys []string) (map[string][]float32, error)
	PutVectors(ctx context.Context, model string, vecs iter.Seq2[string, []float32]) error
}

// chunk is how many texts are looked up, encoded and stored at a time: it bounds the memory of a call
// beyond its result to a few megabytes, whatever the number of texts.
const chunk = 4096

// Cache is an Encoder that looks each text up in the store first and keeps what it encodes. A store that
// fails is logged once and passed over from then on: the vectors are still computed, only not kept.
// It is safe for concurrent use.
type Cache struct {
	ctx   context.Context
	enc   Encoder
	st    Store
	model string
	log   *slog.Logger

	hits, encoded atomic.Int64
	broken        atomic.Bool
}

// New returns a cache of enc's vectors of model (its version: vectors of another version are never
// mixed in) in st. ctx bounds the store calls of the cache's life.
func New(ctx context.Context, enc Encoder, st Store, model string, log *slog.Logger) *Cache {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Cache{ctx: ctx, enc: enc, st: st, model: model, log: log}
}

// Dim is the length of the vectors.
func (c *Cache) Dim() int { return c.enc.Dim() }

// Stats returns how many texts were read from the store and how many were encoded.
func (c *Cache) Stats() (hits, encoded int64) { return c.hits.Load(), c.encoded.Load() }

// EncodeInto writes the vectors of texts into dst, text i's at dst[i*Dim:(i+1)*Dim].
func (c *Cache) EncodeInto(dst []float32, texts []string) {
	d := c.enc.Dim()
	for lo := 0; lo < len(texts); lo += chunk {
		hi := min(lo+chunk, len(texts))
		c.encodeChunk(dst[lo*d:hi*d], texts[lo:hi], d)
	}
}

// encodeChunk is EncodeInto for at most chunk texts.
func (c *Cache) encodeChunk(dst []float32, texts []string, d int) {
	first := make(map[string]int, len(texts)) // each distinct text's first place
	var distinct []string
	for i, t := range texts {
		if _, ok := first[t]; !ok {
			first[t] = i
			distinct = append(distinct, t)
		}
	}
	var known map[string][]float32
	if !c.broken.Load() {
		var err error
		if known, err = c.st.Vectors(c.ctx, c.model, distinct); err != nil {
			c.fail("read", err)
			known = nil
		}
	}
	var missing []string
	for _, t := range distinct {
		if v, ok := known[t]; ok && len(v) == d {
			copy(dst[first[t]*d:], v)
			continue
		}
		missing = append(missing, t)
	}
	c.hits.Add(int64(len(distinct) - len(missing)))
	if len(missing) > 0 {
		fresh := make([]float32, len(missing)*d)
		c.enc.EncodeInto(fresh, missing)
		c.encoded.Add(int64(len(missing)))
		for k, t := range missing {
			copy(dst[first[t]*d:], fresh[k*d:(k+1)*d])
		}
		c.keep(missing, fresh, d)
	}
	// Repeated texts take their first place's vector.
	for i, t := range texts {
		if j := first[t]; j != i {
			copy(dst[i*d:(i+1)*d], dst[j*d:(j+1)*d])
		}
	}
}

// keep stores fresh vectors, unless the store failed before.
func (c *Cache) keep(texts []string, flat []float32, d int) {
	if c.broken.Load() {
		return
	}
	err := c.st.PutVectors(c.ctx, c.model, func(yield func(string, []float32) bool) {
		for k, t := range texts {
			if !yield(t, flat[k*d:(k+1)*d]) {
				return
			}
		}
	})
	if err != nil {
		c.fail("write", err)
	}
}

// fail logs the store's first failure and passes over the store from then on.
func (c *Cache) fail(op string, err error) {
	if c.broken.CompareAndSwap(false, true) {
		c.log.Warn("vector cache: the store failed; vectors are computed but not kept for the rest of the run",
			"op", op, "model", c.model, "err", err)
	}
}
