package elastic

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/storetest"
)

var prefixes atomic.Int64

// TestConformance runs the store conformance suite, the same one the embedded backend passes, against a
// real cluster: set HEED_ELASTICSEARCH_URL (and HEED_ELASTICSEARCH_API_KEY, or _USERNAME and _PASSWORD,
// and _CA_CERT where needed). Each test gets indices of its own, deleted after.
func TestConformance(t *testing.T) {
	url := os.Getenv("HEED_ELASTICSEARCH_URL")
	if url == "" {
		t.Skip("HEED_ELASTICSEARCH_URL is not set: the conformance suite needs an Elasticsearch 8 cluster (make test-elasticsearch); the transport-level tests ran without one")
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		prefix := fmt.Sprintf("heedtest-%d-%d", time.Now().UnixNano(), prefixes.Add(1))
		s, err := Open(context.Background(), Config{
			Addresses: strings.Split(url, ","), APIKey: os.Getenv("HEED_ELASTICSEARCH_API_KEY"),
			Username: os.Getenv("HEED_ELASTICSEARCH_USERNAME"), Password: os.Getenv("HEED_ELASTICSEARCH_PASSWORD"),
			CACert: os.Getenv("HEED_ELASTICSEARCH_CA_CERT"), IndexPrefix: prefix,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.es.Indices.Delete(prefix + "-*").Do(context.Background())
			for _, k := range kinds {
				s.es.Indices.DeleteIndexTemplate(s.alias(k.name)).Do(context.Background())
			}
		})
		return s
	})
}
