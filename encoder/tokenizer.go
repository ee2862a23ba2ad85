package encoder

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The tokenizer is the SentencePiece-unigram Viterbi encoder of the TF.js runtime that the reference
// vectors come from (@energetic-ai/embeddings 0.2.0, after tfjs-models' universal-sentence-encoder),
// kept to its quirks, since the network saw its output:
//   - the text is NFKC-normalised; a non-empty one gets "▁" in front and every ASCII space becomes "▁";
//   - from each position every piece of the vocabulary that starts there is a candidate, ending where
//     the piece ends; a position where no piece starts offers the unknown piece (id 0) of length 1;
//   - the best segmentation up to each end keeps the candidate with the highest total score, candidates
//     taken by ascending start, a later one winning a tie, and a total of exactly 0 counting as unset;
//   - reading the segmentation back from the end, a run of unknown pieces becomes one id 0.
// The six reserved pieces (ids 0-5) never match text.

const (
	separator = '▁'
	reserved  = 6
)

// piece is one entry of the vocabulary.
type piece struct {
	text  string
	score float64 // the log probability; the TF.js tokenizer adds a null score as 0
}

// tokenizer holds the vocabulary as a trie over code points. It is immutable after newTokenizer.
type tokenizer struct {
	length []int            // by id: the piece's length in code points (1 for the unknown piece)
	score  []float64        // by id
	child  map[uint64]int32 // (node<<32 | code point) → node; node 0 is the root
	end    []int32          // by node: the id of the piece ending there, or -1
}

func newTokenizer(pieces []piece) *tokenizer {
	t := &tokenizer{
		length: make([]int, len(pieces)),
		score:  make([]float64, len(pieces)),
		child:  map[uint64]int32{},
		end:    []int32{-1},
	}
	for id, p := range pieces {
		t.length[id] = utf8.RuneCountInString(p.text)
		t.score[id] = p.score
		if id < reserved {
			continue
		}
		node := int32(0)
		for _, r := range p.text {
			k := uint64(node)<<32 | uint64(r)
			next, ok := t.child[k]
			if !ok {
				next = int32(len(t.end))
				t.child[k] = next
				t.end = append(t.end, -1)
			}
			node = next
		}
		t.end[node] = int32(id) // a repeated piece: the later id wins, as in the TF.js trie
	}
	t.length[0] = 1
	return t
}

// tokenScratch is the reusable memory of one encode.
type tokenScratch struct {
	normal []byte
	runes  []rune
	best   []float64
	word   []int32
	back   []int32
}

// encode appends the ids of text to dst.
func (t *tokenizer) encode(dst []int32, text string, s *tokenScratch) []int32 {
	s.normal = norm.NFKC.AppendString(s.normal[:0], text)
	s.runes = s.runes[:0]
	if len(s.normal) > 0 {
		s.runes = append(s.runes, separator)
	}
	for b := s.normal; len(b) > 0; {
		r, size := utf8.DecodeRune(b)
		if r == ' ' {
			r = separator
		}
		s.runes = append(s.runes, r)
		b = b[size:]
	}
	n := len(s.runes)
	s.best = grow(s.best, n+1)
	s.word = grow(s.word, n+1)
	best, word := s.best, s.word
	clear(best)
	clear(word)
	// Candidates come by ascending start, so those for each end come in the TF.js order, and best[start]
	// is final before any candidate from start is scored.
	for i := range n {
		node, found := int32(0), false
		for k := i; k < n; k++ {
			next, ok := t.child[uint64(node)<<32|uint64(s.runes[k])]
			if !ok {
				break
			}
			node = next
			if id := t.end[node]; id >= 0 {
				found = true
				t.relax(best, word, i, k+1, id)
			}
		}
		if !found {
			t.relax(best, word, i, i+1, 0)
		}
	}
	s.back = s.back[:0]
	prevUnknown := false
	for at := n; at > 0; at -= t.length[word[at]] {
		id := word[at]
		if !(prevUnknown && id == 0) {
			s.back = append(s.back, id)
		}
		prevUnknown = id == 0
	}
	for i := len(s.back) - 1; i >= 0; i-- {
		dst = append(dst, s.back[i])
	}
	return dst
}

// relax offers piece id over [start, end) to the best segmentation ending at end.
func (t *tokenizer) relax(best []float64, word []int32, start, end int, id int32) {
	sc := t.score[id] + best[start]
	if best[end] == 0 || sc >= best[end] {
		best[end], word[end] = sc, id
	}
}

// grow returns s resliced to n, reallocated if its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, 2*n)
	}
	return s[:n]
}

// blank reports whether s is empty or white space only as JavaScript's String.prototype.trim sees it.
func blank(s string) bool {
	for _, r := range s {
		switch {
		case r == '\t', r == '\n', r == '\v', r == '\f', r == '\r', r == ' ', r == 0xA0, r == 0x1680,
			r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000, r == 0xFEFF:
		default:
			return false
		}
	}
	return true
}
