package encoder

import (
	"fmt"
	"testing"
)

// queries are requests as people type them, about 14 tokens each (the benchmarks report the mean).
var queries = []string{
	"How do I change the email address on my account if I lost access?",
	"Why was my card declined when I tried to pay online yesterday?",
	"Can I return a jacket I bought on sale without the original receipt?",
	"What is the fastest way to transfer money to a bank account abroad?",
	"My package says delivered but I never got it, what should I do?",
	"Is there a discount for students or teachers on the annual plan?",
	"How long does it take for a refund to show up on my statement?",
	"The app keeps crashing when I open the camera on my Android phone",
	"Where can I download last year's invoices for my company account?",
	"How can I add another user to my team workspace for free?",
	"What are your opening hours on public holidays in December?",
	"Do you ship to Canada, and how much does international delivery cost?",
	"I forgot my password and the reset email never arrived in my inbox",
	"Can I change my delivery address after the order has been shipped?",
	"How do I turn on two-factor authentication for my account?",
	"Why is there a fee on my statement that I do not recognise?",
}

func BenchmarkEncode(b *testing.B) {
	e := newEncoder(b)
	tokens := 0
	for _, q := range queries {
		tokens += len(e.Tokens(q))
	}
	for _, k := range kernels {
		if !k.usable {
			continue
		}
		restore := k.use()
		for _, size := range []int{1, 16, 64, 256} {
			texts := make([]string, size)
			for i := range texts {
				texts[i] = queries[i%len(queries)]
			}
			dst := make([]float32, size*Dim)
			b.Run(fmt.Sprintf("kernel=%s/batch=%d", k.name, size), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					e.EncodeInto(dst, texts)
				}
				b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "sentences/s")
				b.ReportMetric(float64(tokens)/float64(len(queries)), "tokens/sentence")
			})
		}
		restore()
	}
}

func BenchmarkTokens(b *testing.B) {
	e := newEncoder(b)
	var s tokenScratch
	ids := make([]int32, 0, 64)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ids = e.m.tok.encode(ids[:0], queries[i%len(queries)], &s)
	}
}
