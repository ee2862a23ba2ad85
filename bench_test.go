package heed

import "testing"

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Normalize("  How do I reset my “Lark” e-bike’s router?  ")
	}
}
