package heed

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// DefaultMaxLine bounds one line of an input file (JSONL, CSV, request lists), in bytes.
const DefaultMaxLine = 1 << 20

// ReadLines calls fn for every line of r, numbered from 1, without its line ending (LF or CRLF). A line
// longer than maxBytes is cut there, with cut true, and the rest of it skipped; maxBytes <= 0 means
// DefaultMaxLine. A UTF-8 byte order mark at the start is dropped. ReadLines stops at the first error fn
// returns, and returns it.
func ReadLines(r io.Reader, maxBytes int, fn func(n int, line []byte, cut bool) error) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxLine
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	n := 0
	for {
		buf = buf[:0]
		cut := false
		var err error
		for {
			var frag []byte
			frag, err = br.ReadSlice('\n')
			if len(buf)+len(frag) > maxBytes {
				if room := maxBytes - len(buf); room > 0 {
					buf = append(buf, frag[:room]...)
				}
				cut = true
			} else {
				buf = append(buf, frag...)
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && err != io.EOF {
			return err
		}
		if len(buf) == 0 && err == io.EOF {
			return nil
		}
		n++
		line := bytes.TrimSuffix(buf, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if ferr := fn(n, line, cut); ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return nil
		}
	}
}
