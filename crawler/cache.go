package crawler

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/heed-dev/heed/internal/atomicfile"
)

// cache keeps the last copy of documents fetched with Revalidate, with their validators (ETag,
// Last-Modified), so that the next run asks the server whether they changed instead of downloading them
// again. Each entry is two files named by the SHA-256 of the URL: the metadata and the gzip'd body.
type cache struct {
	dir string
}

type cacheEntry struct {
	URL          string      `json:"url"`
	FinalURL     string      `json:"final_url"`
	ETag         string      `json:"etag,omitempty"`
	LastModified string      `json:"last_modified,omitempty"`
	BodySHA256   string      `json:"body_sha256"`
	Header       http.Header `json:"header"`
	Stored       time.Time   `json:"stored"`
}

func (c *cache) paths(url string) (meta, body string) {
	sum := sha256.Sum256([]byte(url))
	h := hex.EncodeToString(sum[:])
	base := filepath.Join(c.dir, h[:2], h)
	return base + ".json", base + ".gz"
}

// load returns the stored entry of url and its body, if there is a complete one.
func (c *cache) load(url string, maxBody int) (*cacheEntry, []byte, bool) {
	if c == nil {
		return nil, nil, false
	}
	metaPath, bodyPath := c.paths(url)
	meta, err := os.ReadFile(metaPath)
	if err != nil {
		return nil, nil, false
	}
	var e cacheEntry
	if json.Unmarshal(meta, &e) != nil || e.URL != url {
		return nil, nil, false
	}
	f, err := os.Open(bodyPath)
	if err != nil {
		return nil, nil, false
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, false
	}
	body, err := io.ReadAll(io.LimitReader(zr, int64(maxBody)+1))
	if err != nil || len(body) > maxBody {
		return nil, nil, false
	}
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != e.BodySHA256 {
		return nil, nil, false // the body of another version: a crash between the two writes
	}
	return &e, body, true
}

// store keeps resp as the copy of url when the server gave it a validator.
func (c *cache) store(url string, resp *Response) error {
	if c == nil || resp.Status != http.StatusOK {
		return nil
	}
	sum := sha256.Sum256(resp.Body)
	e := cacheEntry{URL: url, FinalURL: resp.URL.String(), ETag: resp.Header.Get("ETag"), BodySHA256: hex.EncodeToString(sum[:]),
		LastModified: resp.Header.Get("Last-Modified"), Stored: time.Now().UTC(), Header: http.Header{}}
	if e.ETag == "" && e.LastModified == "" {
		return nil
	}
	for _, k := range []string{"Content-Type", "ETag", "Last-Modified"} {
		if v := resp.Header.Get(k); v != "" {
			e.Header.Set(k, v)
		}
	}
	metaPath, bodyPath := c.paths(url)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(resp.Body)
	zw.Close()
	// Body first, then metadata; the metadata names the body's hash, so a crash between the two writes
	// leaves an entry that load refuses rather than one that pairs old validators with a new body.
	if err := atomicfile.WriteFile(bodyPath, gz.Bytes()); err != nil {
		return fmt.Errorf("cache %s: %w", Redact(url), err)
	}
	meta, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(metaPath, meta); err != nil {
		return fmt.Errorf("cache %s: %w", Redact(url), err)
	}
	return nil
}
