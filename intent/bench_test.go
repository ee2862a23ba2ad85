package intent

import "testing"

var benchRequests = []string{
	"how to charge lark battery", "lark cargo price", "best ebike for commuting 2026", "lark login",
	"irs refund status", "walmart jobs near me", "what is the difference between ebike and pedelec",
	"buy lark fold online", "lark app not working after update", "cancel lark care subscription",
	"wie lange lädt der akku", "comment réparer un pneu crevé", "lark vs vanmoof review", "facebook",
	"why does my card get declined", "free shipping code lark", "lark store london opening hours",
}

func BenchmarkClassify(b *testing.B) {
	c := New(Options{Brands: []string{"lark"}})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Classify(benchRequests[i%len(benchRequests)])
	}
}
