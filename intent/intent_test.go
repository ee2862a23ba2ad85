package intent

import (
	"slices"
	"strings"
	"testing"

	"github.com/heed-dev/heed"
)

// both runs a check on the rules alone and on the rules with the model: every rule family must hold in
// both.
func both(t *testing.T, brands []string, fn func(t *testing.T, c *Classifier)) {
	t.Run("rules", func(t *testing.T) { fn(t, New(Options{Brands: brands, RulesOnly: true})) })
	t.Run("model", func(t *testing.T) { fn(t, New(Options{Brands: brands})) })
}

func TestEmbeddedModelLoads(t *testing.T) {
	m := DefaultModel()
	if m == nil {
		t.Fatal("no embedded model: run heed train")
	}
	if !slices.Equal(m.Labels, []string{"informational", "navigational", "commercial", "transactional"}) || len(m.Weights) < 50 {
		t.Errorf("model labels %v, %d features", m.Labels, len(m.Weights))
	}
}

func TestIntentRuleFamilies(t *testing.T) {
	tests := []struct {
		family string
		text   string
		want   heed.Intent
	}{
		// Navigational: addresses, known sites, a place on a site, the organisation's own brand.
		{"address", "www.example-shop.com", heed.Navigational},
		{"address", "irs.gov", heed.Navigational},
		{"address with a path", "wellsfargo.com/activate", heed.Navigational},
		{"known site", "walmart", heed.Navigational},
		{"known site", "irs", heed.Navigational},
		{"known site", "netflix", heed.Navigational},
		{"site and a place on it", "facebook login", heed.Navigational},
		{"site and a place on it", "walmart jobs", heed.Navigational},
		{"site and a place on it", "chase sign in", heed.Navigational},
		{"site and a place on it, German", "amazon anmelden", heed.Navigational},
		{"site and a place on it, French", "paypal connexion", heed.Navigational},
		{"own brand", "lark cycles", heed.Navigational},
		{"own brand and a place on its site", "lark login", heed.Navigational},
		// Transactional: get a file, use a tool, pay, buy.
		{"download", "download vlc player", heed.Transactional},
		{"download, German", "vlc herunterladen kostenlos", heed.Transactional},
		{"download, French", "télécharger zoom gratuit", heed.Transactional},
		{"download, Spanish", "descargar whatsapp gratis", heed.Transactional},
		{"a tool", "mortgage calculator", heed.Transactional},
		{"a tool", "currency converter", heed.Transactional},
		{"buy", "buy lark cargo", heed.Transactional},
		{"local", "lark studio near me", heed.Transactional},
		// Commercial: weighing options.
		{"best", "best e-bike for commuting", heed.Commercial},
		{"best, German", "beste e-bike 2026", heed.Commercial},
		{"best, French", "meilleur vélo électrique", heed.Commercial},
		{"best, Spanish", "mejor bicicleta eléctrica", heed.Commercial},
		{"reviews", "lark commuter reviews", heed.Commercial},
		{"reviews, French", "avis lark commuter", heed.Commercial},
		{"comparison", "lark cargo vs cadence haul", heed.Commercial},
		{"coupons", "lark coupon code", heed.Commercial},
		// Informational: questions and knowledge.
		{"question", "how do i charge a lark battery", heed.Informational},
		{"question, German", "wie lange hält ein e-bike akku", heed.Informational},
		{"question, French", "pourquoi mon vélo électrique ne démarre pas", heed.Informational},
		{"question, Spanish", "cómo cargar la batería de una bicicleta", heed.Informational},
		{"symptoms", "vitamin d deficiency symptoms", heed.Informational},
		{"definition", "photosynthesis definition", heed.Informational},
		{"recipe, German", "rezept für apfelkuchen", heed.Informational},
		{"a topic", "plate tectonics", heed.Informational},
		{"nothing", "", heed.Informational},
	}
	both(t, []string{"Lark", "Lark Cycles"}, func(t *testing.T, c *Classifier) {
		for _, tt := range tests {
			got := c.Classify(tt.text)
			if got.Intent != tt.want {
				t.Errorf("%s: Classify(%q) = %s (%v), want %s", tt.family, tt.text, got.Intent, got.Reasons, tt.want)
			}
			if got.Confidence <= 0 || got.Confidence > 1 || len(got.Reasons) == 0 {
				t.Errorf("%s: Classify(%q) confidence %v, reasons %v", tt.family, tt.text, got.Confidence, got.Reasons)
			}
		}
	})
}

func TestQuestionTypes(t *testing.T) {
	tests := []struct {
		text string
		want heed.QuestionType
	}{
		{"what is lark care", heed.QDefinition},
		{"how to charge a lark battery", heed.QHowTo},
		{"wie lade ich den akku", heed.QHowTo},
		{"comment recharger la batterie", heed.QHowTo},
		{"cómo cargar la batería", heed.QHowTo},
		{"why is my battery not charging", heed.QTroubleshooting},
		{"why do bikes have gears", heed.QReason},
		{"warum haben fahrräder gänge", heed.QReason},
		{"pourquoi les vélos ont des vitesses", heed.QReason},
		{"who founded lark cycles", heed.QPerson},
		{"qui a fondé lark", heed.QPerson},
		{"where is the lark studio", heed.QPlace},
		{"dónde está la tienda", heed.QPlace},
		{"when was the lark fold released", heed.QTime},
		{"wann kommt das neue modell", heed.QTime},
		{"how much does the lark cargo cost", heed.QNumber},
		{"wie viel kostet das lark cargo", heed.QNumber},
		{"combien coûte le lark cargo", heed.QNumber},
		{"can the lark cargo carry two kids", heed.QYesNo},
		{"lark commuter vs voltway city", heed.QComparison},
		{"what does ebike stand for", heed.QAbbreviation},
		{"which lark is best for hills", heed.QEntity},
		{"lark e-bike", heed.QNone},
	}
	c := New(Options{})
	for _, tt := range tests {
		if got := c.Classify(tt.text).QuestionType; got != tt.want {
			t.Errorf("Classify(%q).QuestionType = %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestModifiers(t *testing.T) {
	tests := []struct {
		text string
		want []heed.Modifier
	}{
		{"lark cargo price", []heed.Modifier{"price"}},
		{"lark cargo preis", []heed.Modifier{"price"}},
		{"prix du lark cargo", []heed.Modifier{"price"}},
		{"lark studio near me", []heed.Modifier{"local"}},
		{"lark händler in der nähe", []heed.Modifier{"local"}},
		{"best e-bike 2026", []heed.Modifier{"best", "year"}},
		{"lark fold review", []heed.Modifier{"review"}},
		{"lark vs voltway", []heed.Modifier{"comparison"}},
		{"how to fit a child seat", []heed.Modifier{"how_to"}},
		{"free e-bike insurance quote", []heed.Modifier{"free"}},
		{"e-bike kostenlos testen", []heed.Modifier{"free"}},
		{"buy lark cargo", []heed.Modifier{"buy"}},
		{"acheter un vélo électrique", []heed.Modifier{"buy"}},
		{"lark account login", []heed.Modifier{"login"}},
		{"lark anmelden", []heed.Modifier{"login"}},
		{"cancel lark care", []heed.Modifier{"cancel"}},
		{"lark care kündigen", []heed.Modifier{"cancel"}},
		{"lark refund", []heed.Modifier{"refund"}},
		{"remboursement lark", []heed.Modifier{"refund"}},
		{"lark support never replied complaint", []heed.Modifier{"complaint"}},
		{"plainte lark cycles", []heed.Modifier{"complaint"}},
		{"lark order tracking", []heed.Modifier{}},
		{"lark e-bike", []heed.Modifier{}},
	}
	c := New(Options{})
	for _, tt := range tests {
		if got := c.Classify(tt.text).Modifiers; !slices.Equal(got, tt.want) {
			t.Errorf("Classify(%q).Modifiers = %v, want %v", tt.text, got, tt.want)
		}
	}
	for _, m := range c.Classify("cheapest best review vs how to free buy login cancel refund complaint 2024 near me").Modifiers {
		if !slices.Contains(heed.Modifiers, m) {
			t.Errorf("modifier %q is not in the documented list", m)
		}
	}
}

func TestLanguage(t *testing.T) {
	c := New(Options{})
	for text, want := range map[string]string{"how do i charge the battery": "en", "wie lade ich den akku auf": "de",
		"comment recharger la batterie": "fr", "cómo cargar la batería": "es", "walmart": ""} {
		if got := c.Classify(text).Lang; got != want {
			t.Errorf("Classify(%q).Lang = %q, want %q", text, got, want)
		}
	}
}

func TestExplanationsNameRulesAndFeatures(t *testing.T) {
	got := New(Options{}).Classify("download vlc for windows").Reasons
	joined := strings.Join(got, " | ")
	if !strings.Contains(joined, "rule trans:download → transactional") || !strings.Contains(joined, "model ") {
		t.Errorf("reasons %q do not name both the rule and the model's features", joined)
	}
	rules := New(Options{RulesOnly: true}).Classify("plate tectonics").Reasons
	if len(rules) == 0 {
		t.Error("a request no rule fires on gives no reason")
	}
}

func TestLexicon(t *testing.T) {
	l := DefaultLexicon()
	if l.Site("walmart") == "" || l.Site("irs") == "" || l.Site("youtube") == "" {
		t.Error("well-known sites are missing from the lexicon")
	}
	if name, ok := l.misspelt("walmrat"); !ok || name != "walmart" {
		t.Errorf("misspelt(walmrat) = %q, %v", name, ok)
	}
	if _, ok := l.misspelt("kitchen"); ok {
		t.Error("an English word was taken for a misspelt site")
	}
	if !l.compound("bestcoffeeshop") || l.compound("xqzvbnm") {
		t.Error("compound words are not recognised")
	}
	if p := l.findPlaces(words("property tax dallas tx")); len(p) != 2 {
		t.Errorf("places in %q = %+v, want dallas and tx", "property tax dallas tx", p)
	}
	if p := l.findPlaces(words("me too")); len(p) != 0 {
		t.Errorf("a state code alone was taken for a place: %+v", p)
	}
}

func FuzzClassify(f *testing.F) {
	c := New(Options{Brands: []string{"lark"}})
	for _, s := range []string{"", "lark", "how to \xff", "<script>", "vs vs vs", "www.", "a/b.c", "télécharger", "\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := c.Classify(s)
		if _, err := heed.ParseIntent(string(got.Intent)); err != nil {
			t.Fatalf("Classify(%q) intent %q", s, got.Intent)
		}
		if got.Confidence <= 0 || got.Confidence > 1 {
			t.Fatalf("Classify(%q) confidence %v", s, got.Confidence)
		}
		if got.Modifiers == nil {
			t.Fatalf("Classify(%q) modifiers nil", s)
		}
	})
}
