package embedded

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkVectors puts, then gets, 500,000 vectors of 512 floats (an encoder's night of requests) in a
// new store, reporting the seconds of each and the bytes the database grew by a vector:
//
//	go test ./store/embedded -run '^$' -bench Vectors -benchtime 1x
func BenchmarkVectors(b *testing.B) {
	const n, dim = 500_000, 512
	keys := make([]string, n)
	flat := make([]float32, n*dim)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		keys[i] = fmt.Sprintf("how do i reset my router model %d", i)
		v := flat[i*dim : (i+1)*dim]
		var sum float64
		for j := range v {
			v[j] = float32(rng.NormFloat64())
			sum += float64(v[j]) * float64(v[j])
		}
		for j := range v {
			v[j] /= float32(math.Sqrt(sum))
		}
	}
	ctx := context.Background()
	for range b.N {
		dir := b.TempDir()
		s, err := Open(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		before := dirSize(b, dir)
		start := time.Now()
		err = s.PutVectors(ctx, "bench", func(yield func(string, []float32) bool) {
			for i, k := range keys {
				if !yield(k, flat[i*dim:(i+1)*dim]) {
					return
				}
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		put := time.Since(start)
		if _, err := s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			b.Fatal(err)
		}
		grown := dirSize(b, dir) - before
		start = time.Now()
		got, err := s.Vectors(ctx, "bench", keys)
		if err != nil {
			b.Fatal(err)
		}
		get := time.Since(start)
		if len(got) != n || got[keys[n-1]][dim-1] != flat[n*dim-1] {
			b.Fatalf("read back %d vectors", len(got))
		}
		s.Close()
		b.ReportMetric(put.Seconds(), "put-s")
		b.ReportMetric(get.Seconds(), "get-s")
		b.ReportMetric(float64(grown)/1e6, "MB-grown")
		b.ReportMetric(float64(grown)/n, "B/vector")
	}
}

func dirSize(b *testing.B, dir string) int64 {
	var total int64
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		fi, err := os.Stat(filepath.Join(dir, e.Name()))
		if err == nil {
			total += fi.Size()
		}
	}
	return total
}
