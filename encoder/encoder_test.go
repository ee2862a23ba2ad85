package encoder

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reference is testdata/: the texts, and what the TF.js runtime made of them (make_reference.js).
type reference struct {
	texts   []string
	tokens  [][]int32
	vectors [][]float32
}

func readReference(t testing.TB) reference {
	t.Helper()
	var r reference
	for name, v := range map[string]any{"testdata/texts.json": &r.texts, "testdata/tokens.json": &r.tokens} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	b, err := os.ReadFile("testdata/reference.f32")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != len(r.texts)*Dim*4 || len(r.tokens) != len(r.texts) {
		t.Fatalf("testdata: %d texts, %d token lists, %d bytes of vectors", len(r.texts), len(r.tokens), len(b))
	}
	for i := range r.texts {
		v := make([]float32, Dim)
		for c := range v {
			v[c] = math.Float32frombits(binary.LittleEndian.Uint32(b[(i*Dim+c)*4:]))
		}
		r.vectors = append(r.vectors, v)
	}
	return r
}

func newEncoder(t testing.TB) *Encoder {
	t.Helper()
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// name is a test name for text: its index and a short, printable prefix.
func name(i int, text string) string {
	r := []rune(strings.Join(strings.Fields(text), "_"))
	return fmt.Sprintf("%03d_%s", i, string(r[:min(len(r), 24)]))
}

func TestTokensMatchReference(t *testing.T) {
	e, ref := newEncoder(t), readReference(t)
	for i, text := range ref.texts {
		t.Run(name(i, text), func(t *testing.T) {
			if diff := cmp.Diff(ref.tokens[i], e.Tokens(text)); diff != "" {
				t.Errorf("Tokens(%q) (-TF.js +Go):\n%s", text, diff)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	e := newEncoder(t)
	for _, tc := range []struct {
		name, text string
		want       []int32
	}{
		{"a blank text is read as a full stop: ▁ .", " \t\u00a0", []int32{30, 6}},
		{"a piece with a null score counts as 0 and wins: ▁hell o ▁:)", "hello :)", []int32{2002, 102, 658}},
		{"NFKC unfolds ligatures: ▁file ▁flow", "ﬁle ﬂow", []int32{1792, 1807}},
		{"every space is a separator: ▁double ▁ ▁space", "double  space", []int32{1991, 30, 1016}},
		{"a run of unknown code points is one unknown: ▁ ?", "ꙮꙮꙮ", []int32{30, 0}},
		{"unknowns apart stay apart: ▁ab c ▁ ? ▁def", "abc ꙮ def", []int32{2733, 131, 30, 0, 2709}},
		{"an emoji is unknown: ▁I ▁love ▁it ▁ ?", "I love it 😀", []int32{16, 241, 21, 30, 0}},
		{"U+0085 is not blank to JavaScript's trim: ▁ ?", "\u0085", []int32{30, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, e.Tokens(tc.text)); diff != "" {
				t.Errorf("Tokens(%q) (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// TestMatchesReference holds the encoder to the TF.js runtime, with each kernel the processor has: a
// cosine of at least 0.999 for every text. The Go kernel, ten times slower, takes every fifth text
// where the processor has an assembly one.
func TestMatchesReference(t *testing.T) {
	e, ref := newEncoder(t), readReference(t)
	for _, k := range kernels {
		if !k.usable {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			defer k.use()()
			step := 1
			if k.name == "go" && haveFMA {
				step = 5
			}
			var texts []string
			for i := 0; i < len(ref.texts); i += step {
				texts = append(texts, ref.texts[i])
			}
			got := e.Encode(texts)
			minCos, maxDiff := 1.0, 0.0
			for n, text := range texts {
				i := n * step
				c := cosine(got[n], ref.vectors[i])
				if c < 0.999 {
					t.Errorf("text %d %q: cosine %.6f to the TF.js vector, want >= 0.999", i, text, c)
				}
				minCos = min(minCos, c)
				var norm float64
				for j, v := range got[n] {
					maxDiff = max(maxDiff, math.Abs(float64(v-ref.vectors[i][j])))
					norm += float64(v) * float64(v)
				}
				if math.Abs(norm-1) > 1e-5 {
					t.Errorf("text %d %q: squared length %.7f, want 1", i, text, norm)
				}
			}
			t.Logf("%d texts: minimum cosine 1 - %.3g, maximum absolute difference %.3g", len(texts), 1-minCos, maxDiff)
		})
	}
}

// TestBatchesDoNotMix: a text's vector is the same alone, in a batch, and from concurrent callers.
func TestBatchesDoNotMix(t *testing.T) {
	e, ref := newEncoder(t), readReference(t)
	batch := e.Encode(ref.texts)
	var wg sync.WaitGroup
	for i, text := range ref.texts {
		wg.Go(func() {
			if diff := cmp.Diff(batch[i], e.Encode([]string{text})[0]); diff != "" {
				t.Errorf("text %d %q alone (-in a batch +alone):\n%s", i, text, diff)
			}
		})
	}
	wg.Wait()
}

func TestEncodeIntoChecksItsBuffer(t *testing.T) {
	e := newEncoder(t)
	defer func() {
		if recover() == nil {
			t.Error("EncodeInto with a short buffer did not panic")
		}
	}()
	e.EncodeInto(make([]float32, Dim), []string{"one", "two"})
}

func TestReadTensorsRejects(t *testing.T) {
	header := func(count uint32) []byte { return binary.LittleEndian.AppendUint32([]byte("USEW"), count) }
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"another file", []byte("PK\x03\x04...."), "load encoder weights: not a weights file"},
		{"a missing tensor", header(1), "load encoder weights: truncated after 0 tensors"},
		{"short values", append(header(1), append([]byte{1, 'w', 1}, binary.LittleEndian.AppendUint32(nil, 2)...)...), "load encoder weights: tensor w: 2 values past the end"},
		{"bytes left over", append(header(0), 0), "load encoder weights: 1 bytes after the last tensor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readTensors(tc.data)
			if err == nil || err.Error() != tc.want {
				t.Errorf("readTensors: error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestTokenizeGroups: the network takes sentences in groups of at most groupTokens tokens, each
// sentence clipped to maxTokens, and at least one sentence at a time.
func TestTokenizeGroups(t *testing.T) {
	e := newEncoder(t)
	long := strings.Repeat("word ", 300) // 300 tokens, clipped to 128
	for _, tc := range []struct {
		name   string
		texts  []string
		want   int   // sentences in the first group
		starts []int // where they start, and the group's end
	}{
		{"short sentences all fit", []string{"hello", "two words"}, 2, []int{0, 2, 4}},
		{"four clipped sentences fill a group", []string{long, long, long, long, long}, 4, []int{0, 128, 256, 384, 512}},
		{"the sentence that would overflow waits", []string{"hello", long, long, long, long}, 4, []int{0, 2, 130, 258, 386}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ws workspace
			got := e.m.tokenize(&ws, tc.texts)
			if got != tc.want || !cmp.Equal(ws.starts, tc.starts) || len(ws.ids) != tc.starts[len(tc.starts)-1] {
				t.Errorf("tokenize: %d sentences starting at %v (%d tokens), want %d at %v", got, ws.starts, len(ws.ids), tc.want, tc.starts)
			}
		})
	}
}
