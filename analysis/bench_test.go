package analysis

import "testing"

func BenchmarkAnalyze(b *testing.B) {
	a := New("en")
	text := "How long does the Lark PowerPack 500 battery take to charge with the 4 A charger in winter?"
	var toks []Token
	b.ReportAllocs()
	for b.Loop() {
		toks = a.Analyze(toks[:0], text)
	}
}

func BenchmarkDetect(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Detect("comment réparer un pneu crevé sur un vélo électrique")
	}
}
