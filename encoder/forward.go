package encoder

import "math"

// The forward pass of the graph in dist/model.json, for one batch of sentences. The graph pads the batch
// to its longest sentence, masks the padding out of attention with a bias of -1e9 (a weight of exactly
// 0 after the softmax) and out of the mean, and runs its position-wise layers on the real tokens only; so
// here every position-wise layer runs over the batch's tokens laid end to end, and attention and the
// mean over each sentence's own tokens. Per sentence of n tokens (at most 128; the graph drops the rest):
//
//	x  = e + (e + timing(position))                 e: the token's row of the embeddings [8002][256]
//	layer 0 (width 256):  s = x·R + r;   layer 1 (width 512): s = x
//	   s += attention(norm(x))·O + o                4 heads, queries scaled by 1/√(width/4)
//	   s += relu(norm(s)·F1 + f1)·F2 + f2           the feed-forward block, 512 → 1536 → 512
//	   x = s
//	v  = tanh(mean(x)·P + p) / ‖…‖                  the 512-d output
//
// norm is a layer norm (ε 1e-6, its own scale and bias each time) and timing the sines and cosines of
// the position times 128 inverse timescales. The arithmetic is float32 throughout, in the graph's order
// of operations where that is cheap to keep.

// workspace is the memory of one batch, reused from batch to batch.
type workspace struct {
	tok    tokenScratch
	ids    []int32 // the batch's tokens, sentence after sentence
	starts []int   // where each sentence's tokens start in ids, and len(ids) last
	x      []float32
	h      []float32
	stream []float32
	y      []float32
	qkv    []float32
	att    []float32
	ffn    []float32
	q      []float32
	scores []float32
	pooled []float32
	out    []float32
}

// maxTokens is how many tokens of a sentence the graph reads.
const maxTokens = 128

// groupTokens bounds the tokens that go through the network together, and so a workspace's memory
// (about 21 KB a token): a group is cut before the sentence that would take it past this.
const groupTokens = 512

// forward writes the vectors of texts into dst, Dim floats each.
func (m *model) forward(ws *workspace, dst []float32, texts []string) {
	for done := 0; done < len(texts); {
		n := m.tokenize(ws, texts[done:])
		m.run(ws, dst[done*Dim:(done+n)*Dim])
		done += n
	}
}

// tokenize fills ws.ids and ws.starts with the tokens of the first texts, each clipped to maxTokens,
// as many as fit in groupTokens (at least one), and returns how many. A blank text is read as "." (as
// the reference embeds it: the graph has no output for a sentence without tokens).
func (m *model) tokenize(ws *workspace, texts []string) int {
	ws.ids, ws.starts = ws.ids[:0], ws.starts[:0]
	for i, t := range texts {
		if blank(t) {
			t = "."
		}
		start := len(ws.ids)
		ws.ids = m.tok.encode(ws.ids, t, &ws.tok)
		ws.ids = ws.ids[:min(len(ws.ids), start+maxTokens)]
		if i > 0 && len(ws.ids) > groupTokens {
			ws.ids = ws.ids[:start]
			ws.starts = append(ws.starts, start)
			return i
		}
		ws.starts = append(ws.starts, start)
	}
	ws.starts = append(ws.starts, len(ws.ids))
	return len(texts)
}

// run writes the vectors of the sentences in ws.ids into dst.
func (m *model) run(ws *workspace, dst []float32) {
	n, sentences := len(ws.ids), len(ws.starts)-1
	ws.x = grow(ws.x, n*embedWidth)
	ws.h = grow(ws.h, n*width)
	ws.stream = grow(ws.stream, n*width)
	ws.y = grow(ws.y, n*width)
	ws.qkv = grow(ws.qkv, n*3*width)
	ws.att = grow(ws.att, n*width)
	ws.ffn = grow(ws.ffn, n*ffnWidth)
	m.embed(ws)
	m.layers[0].apply(ws, ws.x, m.eps)
	m.layers[1].apply(ws, ws.stream, m.eps)
	m.output(ws, dst, sentences)
}

// embed sets ws.x to each token's embedding added to itself plus the position signal, as the graph
// adds them.
func (m *model) embed(ws *workspace) {
	const half = embedWidth / 2
	for s := range len(ws.starts) - 1 {
		for pos, id := range ws.ids[ws.starts[s]:ws.starts[s+1]] {
			e := m.embeddings[int(id)*embedWidth : (int(id)+1)*embedWidth]
			x := ws.x[(ws.starts[s]+pos)*embedWidth : (ws.starts[s]+pos+1)*embedWidth]
			for c, inv := range m.timing[:half] {
				angle := float64(float32(pos) * inv)
				x[c] = e[c] + (e[c] + float32(math.Sin(angle)))
				x[half+c] = e[half+c] + (e[half+c] + float32(math.Cos(angle)))
			}
		}
	}
}

// apply runs the layer over the batch: in is its input, and ws.stream (which in may be) its output.
func (l *layer) apply(ws *workspace, in []float32, eps float32) {
	n, w := len(ws.ids), l.width
	layerNorm(ws.h, in, n, w, l.attnScale, l.attnBias, eps)
	if l.residual != nil {
		matmul(ws.stream, in, l.residual, l.residualBias, n, w, width)
	}
	matmul(ws.qkv, ws.h, l.qkv, l.qkvBias, n, w, 3*w)
	l.attention(ws)
	matmul(ws.y, ws.att, l.out, l.outBias, n, w, width)
	add(ws.stream[:n*width], ws.y)
	layerNorm(ws.h, ws.stream, n, width, l.ffnScale, l.ffnBias, eps)
	matmul(ws.ffn, ws.h, l.ffn1, l.ffn1Bias, n, width, ffnWidth)
	for i, v := range ws.ffn[:n*ffnWidth] {
		ws.ffn[i] = max(v, 0)
	}
	matmul(ws.y, ws.ffn, l.ffn2, l.ffn2Bias, n, ffnWidth, width)
	add(ws.stream[:n*width], ws.y)
}

// attention sets ws.att to the multi-head self-attention of each sentence over ws.qkv, whose rows hold
// a token's queries, keys and values, width each.
func (l *layer) attention(ws *workspace) {
	w := l.width
	dh := w / heads
	for s := range len(ws.starts) - 1 {
		start, n := ws.starts[s], ws.starts[s+1]-ws.starts[s]
		ws.q = grow(ws.q, n*dh)
		ws.scores = grow(ws.scores, n*n)
		for h := range heads {
			for i := range n {
				q := ws.qkv[(start+i)*3*w+h*dh : (start+i)*3*w+(h+1)*dh]
				for d, v := range q {
					ws.q[i*dh+d] = v * l.qScale
				}
			}
			for i := range n {
				q, row := ws.q[i*dh:(i+1)*dh], ws.scores[i*n:(i+1)*n]
				for j := range n {
					k := ws.qkv[(start+j)*3*w+w+h*dh : (start+j)*3*w+w+(h+1)*dh]
					row[j] = dot(q, k)
				}
				softmax(row)
				out := ws.att[(start+i)*w+h*dh : (start+i)*w+(h+1)*dh]
				clear(out)
				for j, p := range row {
					v := ws.qkv[(start+j)*3*w+2*w+h*dh : (start+j)*3*w+2*w+(h+1)*dh]
					axpy(out, p, v)
				}
			}
		}
	}
}

// output writes each sentence's vector into dst: the mean of its tokens through the tanh layer,
// L2-normalised.
func (m *model) output(ws *workspace, dst []float32, sentences int) {
	ws.pooled = grow(ws.pooled, sentences*width)
	ws.out = grow(ws.out, sentences*width)
	for s := range sentences {
		sum := ws.pooled[s*width : (s+1)*width]
		clear(sum)
		start, end := ws.starts[s], ws.starts[s+1]
		for t := start; t < end; t++ {
			add(sum, ws.stream[t*width:(t+1)*width])
		}
		count := float32(max(end-start, 1))
		for c := range sum {
			sum[c] /= count
		}
	}
	matmul(ws.out, ws.pooled, m.pool, m.poolBias, sentences, width, width)
	for s := range sentences {
		v := ws.out[s*width : (s+1)*width]
		var norm float32
		for c, x := range v {
			x = float32(math.Tanh(float64(x)))
			v[c] = x
			norm += x * x
		}
		inv := float32(1 / math.Sqrt(float64(max(norm, m.l2Min))))
		for c, x := range v {
			dst[s*Dim+c] = x * inv
		}
	}
}

// layerNorm sets each of the rows of dst to the same row of src normalised to mean 0 and variance 1,
// then scaled and shifted per column.
func layerNorm(dst, src []float32, rows, w int, scale, bias []float32, eps float32) {
	scale, bias = scale[:w], bias[:w]
	for r := range rows {
		x, y := src[r*w:(r+1)*w], dst[r*w:(r+1)*w]
		var sum float32
		for _, v := range x {
			sum += v
		}
		mean := sum / float32(w)
		var sq float32
		for _, v := range x {
			sq += (v - mean) * (v - mean)
		}
		inv := float32(1 / math.Sqrt(float64(sq/float32(w)+eps)))
		for c, v := range x {
			y[c] = scale[c]*inv*(v-mean) + bias[c]
		}
	}
}

// softmax turns scores into weights that sum to 1, as TF.js does: exp(x - max) / Σ.
func softmax(x []float32) {
	top := x[0]
	for _, v := range x {
		top = max(top, v)
	}
	var sum float32
	for i, v := range x {
		e := float32(math.Exp(float64(v - top)))
		x[i] = e
		sum += e
	}
	for i := range x {
		x[i] /= sum
	}
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s float32
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpy adds a·x to y.
func axpy(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	for i := range y {
		y[i] += a * x[i]
	}
}

// add adds x to y.
func add(y, x []float32) {
	x = x[:len(y)]
	for i := range y {
		y[i] += x[i]
	}
}
