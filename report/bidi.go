package report

import (
	"io"
	"unicode"
	"unicode/utf8"
)

// BidiStripper passes what is written to it on to its writer without the Unicode bidi controls (U+061C,
// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: unicode.Bidi_Control).
//
// Crawled text can carry them: U+202E RIGHT-TO-LEFT OVERRIDE shows "lark \u202efdp.exe" as "lark exe.pdf"
// and reorders whatever follows it in the same line, the next cell or link included. Isolating each text
// (<bdi>, unicode-bidi: isolate) would keep the reordering inside the text but still let the text itself
// lie, and cannot reach everywhere crawled text is shown (the document title, <option> labels, title
// attributes, chart labels). So the pages of heed drop the controls: the HTML writers execute their
// template through a BidiStripper, and no crawled text, whichever field it comes in, reaches a page with
// one. gaps.json keeps the text as heard; the pages' own templates hold no such control.
//
// Controls split between two writes are recognised; Flush writes the bytes held back at the end.
type BidiStripper struct {
	w    io.Writer
	held []byte // the start of a character that may be a control, from the end of the last write
	buf  []byte
}

// NewBidiStripper returns a BidiStripper writing to w.
func NewBidiStripper(w io.Writer) *BidiStripper { return &BidiStripper{w: w} }

// Write writes p less its bidi controls.
func (s *BidiStripper) Write(p []byte) (int, error) {
	data := p
	if len(s.held) > 0 {
		data = append(s.held, p...)
		s.held = s.held[:0:0]
	}
	out := s.buf[:0]
	start := 0
	for i := 0; i < len(data); {
		// The controls are encoded with lead bytes 0xD8 (U+061C) and 0xE2 (the others).
		if b := data[i]; b != 0xD8 && b != 0xE2 {
			i++
			continue
		}
		if !utf8.FullRune(data[i:]) {
			out = append(out, data[start:i]...)
			s.held = append(s.held, data[i:]...)
			start = len(data)
			break
		}
		r, size := utf8.DecodeRune(data[i:])
		if unicode.Is(unicode.Bidi_Control, r) {
			out = append(out, data[start:i]...)
			start = i + size
		}
		i += size
	}
	if start == 0 { // nothing taken out or held back
		if _, err := s.w.Write(data); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	out = append(out, data[start:]...)
	s.buf = out[:0]
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes the bytes held back at the end of the last write: an incomplete character.
func (s *BidiStripper) Flush() error {
	if len(s.held) == 0 {
		return nil
	}
	_, err := s.w.Write(s.held)
	s.held = s.held[:0]
	return err
}
