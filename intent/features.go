package intent

import (
	"slices"
	"strings"
	"unicode"

	"github.com/heed-dev/heed/analysis"
)

// Feature is one named signal of a request, with its value (1 for a present binary signal).
type Feature struct {
	Name  string
	Value float64
}

// request is a request prepared for the rules and the model.
type request struct {
	text  string   // lower case
	words []string // lower case, punctuation inside words kept
}

func prepare(text string) request {
	t := strings.ToLower(strings.TrimSpace(text))
	return request{text: t, words: words(t)}
}

// siteWords next to a site's name show the person wants a place on that site.
var siteWordList = []string{"login", "log in", "logon", "log on", "sign in", "signin", "sign on", "my account", "account",
	"portal", "website", "web site", "homepage", "home page", "official site", "official website", "customer service",
	"customer support", "phone number", "contact", "contact number", "jobs", "careers", "app", "webmail", "email",
	"hours", "locations", "store locator", "near me", "tracking", "online banking", "bill pay", "support", "help",
	"sign up", "register", "payment", "pay bill", "headquarters", "address", "schedule", "stock", "wiki", "wikipedia",
	"youtube", "facebook", "twitter", "instagram", "reddit"}

// navSiteWords are the site words that ask for a place on a site rather than a fact about it.
var navSiteWords = map[string]bool{"login": true, "log in": true, "logon": true, "log on": true, "sign in": true,
	"signin": true, "sign on": true, "my account": true, "account": true, "portal": true, "website": true,
	"web site": true, "homepage": true, "home page": true, "official site": true, "official website": true,
	"jobs": true, "careers": true, "app": true, "webmail": true, "online banking": true, "bill pay": true,
	"tracking": true, "sign up": true, "register": true, "payment": true, "pay bill": true, "wiki": true,
	"wikipedia": true, "youtube": true, "facebook": true, "twitter": true, "instagram": true, "reddit": true}

// govWords are what a place's public bodies offer: with a place, a request looks for that body's site.
var govWords = newPhraseSet([]string{"tax", "taxes", "property tax", "dmv", "license", "licence", "permit", "permits",
	"court", "courts", "records", "unemployment", "registration", "clerk", "assessor", "treasurer", "recorder",
	"sheriff", "police", "jail", "inmate", "inmates", "school district", "schools", "public schools", "library",
	"utilities", "water", "trash", "city hall", "lottery", "fair", "transit", "airport", "real id", "id card",
	"drivers license", "driver license", "vehicle registration", "voter registration", "elections", "food stamps",
	"snap", "ebt", "medicaid", "child support", "jury duty", "public records", "government", "gov", "department",
	"dept", "cabinet", "commission", "board", "council", "zoo", "aquarium", "museum", "hospital", "university",
	"college", "state university", "community college", "county", "parks", "recreation"})

// orgWords are the words that name a kind of organisation: with a name before or after them, a request
// names an institution ("toledo city schools", "bank of the west").
var orgWordList = []string{"university", "univ", "college", "school", "schools", "academy", "district", "county",
	"city", "township", "borough", "parish", "state", "department", "dept", "ministry", "agency", "administration",
	"commission", "council", "authority", "board", "office", "court", "courthouse", "police", "sheriff",
	"hospital", "medical center", "clinic", "health system", "bank", "credit union", "savings", "federal",
	"insurance", "airlines", "airways", "airport", "transit", "library", "museum", "zoo", "aquarium", "church",
	"foundation", "association", "society", "institute", "inc", "llc", "ltd", "corp", "corporation", "company",
	"group", "motors", "dealership", "hotel", "resort", "casino", "pharmacy", "dental", "realty", "apartments",
	"stadium", "arena", "theatre", "theater", "cinema", "mall", "fair", "festival", "club", "center", "centre"}

// infoWords ask for knowledge: a definition, a description, a cause, a list.
var infoWordList = []string{"meaning", "definition", "define", "symptoms", "symptom", "causes", "cause", "treatment",
	"side effects", "effects", "benefits", "recipe", "recipes", "list of", "list", "facts", "history", "population",
	"example", "examples", "types of", "type of", "difference", "synonym", "synonyms", "antonym", "pronunciation",
	"age", "height", "net worth", "salary", "wife", "husband", "born", "died", "death", "biography", "capital of",
	"weather", "temperature", "calories", "nutrition", "dosage", "dose", "diet", "pain", "disease", "syndrome",
	"cancer", "theory", "law", "rules", "quotes", "lyrics", "cast", "movie", "book", "novel", "song", "album",
	"character", "characters", "plot", "summary", "explained", "guide", "tips", "ideas", "requirements", "process",
	"steps", "formula", "equation", "chart", "map", "time zone", "distance", "miles", "km", "cost of", "how much",
	"how many", "how long"}

// transWords ask to do something on the web: get a file, use a tool, pay, watch, play.
var transWordList = []string{"download", "downloads", "free download", "apk", "install", "installer", "online", "free",
	"watch", "stream", "streaming", "listen", "play", "games", "game", "calculator", "converter", "convert",
	"translator", "generator", "maker", "editor", "tracker", "checker", "test", "quiz", "simulator", "pay", "payment",
	"apply", "application form", "sign up", "subscribe", "register", "book", "booking", "order", "buy", "purchase",
	"tickets", "reservation", "reserve", "rent", "template", "templates", "pdf", "driver", "drivers", "software",
	"program", "app", "music", "mp3", "video", "videos", "movies", "tv", "live", "full movie", "full episode",
	"episodes", "offers", "deal", "deals", "lease", "quote", "quotes"}

// commWords weigh options before buying: best, reviews, comparisons, prices, coupons.
var commWordList = []string{"best", "top", "review", "reviews", "rating", "ratings", "vs", "versus", "compare",
	"comparison", "cheap", "cheapest", "price", "prices", "cost", "costs", "deals", "coupon", "coupons",
	"coupon code", "promo code", "discount", "discounts", "for sale", "sale", "alternatives", "alternative",
	"worth it", "pros and cons", "affordable", "budget", "brands"}

// synonyms map words of other languages (German, French, Spanish, Italian, Portuguese, Dutch) and
// variants to the English cue word whose feature they share, so that one rule and one weight serve every
// language.
var synonyms = map[string]string{
	// downloading, free, online, buying
	"herunterladen": "download", "télécharger": "download", "telecharger": "download", "descargar": "download",
	"scaricare": "download", "baixar": "download", "downloaden": "download",
	"gratis": "free", "kostenlos": "free", "kostenlose": "free", "gratuit": "free", "gratuite": "free",
	"gratuito": "free", "gratuita": "free", "grátis": "free",
	"kaufen": "buy", "acheter": "buy", "comprar": "buy", "comprare": "buy", "kopen": "buy",
	"bestellen": "order", "commander": "order", "pedir": "order", "ordinare": "order",
	"rechner": "calculator", "calculateur": "calculator", "calculadora": "calculator", "calcolatrice": "calculator",
	"anschauen": "watch", "regarder": "watch", "ver": "watch", "guardare": "watch", "assistir": "watch",
	"bezahlen": "pay", "payer": "pay", "pagar": "pay", "pagare": "pay", "betalen": "pay",
	"anmelden": "login", "einloggen": "login", "connexion": "login", "iniciar sesión": "login", "accedi": "login",
	"inloggen": "login", "entrar": "login",
	// weighing options
	"beste": "best", "besten": "best", "bester": "best", "meilleur": "best", "meilleure": "best", "meilleurs": "best",
	"mejor": "best", "mejores": "best", "migliore": "best", "migliori": "best", "melhor": "best", "melhores": "best",
	"avis": "reviews", "opiniones": "reviews", "recensione": "reviews", "recensioni": "reviews", "bewertung": "reviews",
	"erfahrungen": "reviews", "preis": "price", "preise": "price", "prix": "price", "precio": "price",
	"precios": "price", "prezzo": "price", "preço": "price", "prijs": "price", "vergleich": "compare",
	"comparatif": "compare", "comparar": "compare", "confronto": "compare", "günstig": "cheap", "pas cher": "cheap",
	"barato": "cheap", "economico": "cheap", "gutschein": "coupon", "code promo": "promo code", "cupón": "coupon",
	// asking for knowledge
	"bedeutung": "meaning", "signification": "meaning", "significado": "meaning", "significato": "meaning",
	"definición": "definition", "définition": "definition", "symptome": "symptoms", "symptômes": "symptoms",
	"síntomas": "symptoms", "sintomi": "symptoms", "sintomas": "symptoms", "ursachen": "causes", "rezept": "recipe",
	"recette": "recipe", "receta": "recipe", "ricetta": "recipe", "receita": "recipe", "geschichte": "history",
	"histoire": "history", "historia": "history", "storia": "history",
}

// canonical returns the English cue a word stands for.
func canonical(w string) string {
	if c, ok := synonyms[w]; ok {
		return c
	}
	return w
}

// pairFirst holds the first words of the two-word synonyms, so that a pair of words is only looked up
// (and built) when it may be one.
var pairFirst = func() map[string]bool {
	m := map[string]bool{}
	for k := range synonyms {
		if first, _, ok := strings.Cut(k, " "); ok {
			m[first] = true
		}
	}
	return m
}()

// phraseSet holds single words and multi-word phrases for quick lookup.
type phraseSet struct {
	words   map[string]bool
	all     map[string]bool // words and phrases, as strings
	phrases [][]string
	joined  []string         // each phrase as a string
	byFirst map[string][]int // first word -> the phrases it starts, by index
}

func newPhraseSet(list []string) phraseSet {
	s := phraseSet{words: map[string]bool{}, all: map[string]bool{}, byFirst: map[string][]int{}}
	for _, p := range list {
		f := strings.Fields(p)
		s.all[strings.Join(f, " ")] = true
		if len(f) == 1 {
			s.words[f[0]] = true
		} else {
			s.byFirst[f[0]] = append(s.byFirst[f[0]], len(s.phrases))
			s.phrases = append(s.phrases, f)
			s.joined = append(s.joined, strings.Join(f, " "))
		}
	}
	return s
}

// matches returns the entries of the set that the words contain (in any language: see synonyms), each
// once: the words and word pairs in the order of w, then the phrases in the order of the set.
func (s phraseSet) matches(w []string) []string {
	var out []string
	for i, x := range w {
		c := canonical(x)
		if i+1 < len(w) && pairFirst[x] {
			pair := x + " " + w[i+1]
			if two := canonical(pair); two != pair {
				c = two
			}
		}
		if s.all[c] && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	var hit []int
	for i, x := range w {
		for _, pi := range s.byFirst[x] {
			if p := s.phrases[pi]; i+len(p) <= len(w) && slices.Equal(w[i:i+len(p)], p) && !slices.Contains(hit, pi) {
				hit = append(hit, pi)
			}
		}
	}
	slices.Sort(hit)
	for _, pi := range hit {
		if k := s.joined[pi]; !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

var (
	siteWords  = newPhraseSet(siteWordList)
	orgWords   = newPhraseSet(orgWordList)
	infoWords  = newPhraseSet(infoWordList)
	transWords = newPhraseSet(transWordList)
	commWords  = newPhraseSet(commWordList)
)

// commonWordFreq is the frequency (per million) above which a brand name is also an everyday word
// ("target", "delta", "zoom"): alone, it is weak evidence of navigation.
const commonWordFreq = 20

// tlds are endings that make a word a domain name.
var tlds = []string{".com", ".org", ".net", ".gov", ".edu", ".mil", ".int", ".io", ".co", ".us", ".uk", ".ca", ".au",
	".de", ".fr", ".es", ".it", ".nl", ".in", ".info", ".biz", ".me", ".tv", ".ly", ".app", ".ai"}

// featureList collects a request's features in order: the model's sums follow it.
type featureList []Feature

// add appends a present binary feature.
func (fs *featureList) add(name string) { *fs = append(*fs, Feature{Name: name, Value: 1}) }

// extract computes the request's features, in a fixed order.
func (c *Classifier) extract(r request) []Feature {
	var fs featureList
	w := r.words
	fs.add("bias")
	if len(w) == 0 {
		fs.add("len:0")
		return fs
	}
	fs.add(lengthFeature(len(w)))
	fs.addAddress(w)
	c.addSites(&fs, w)
	fs.addPlaces(c.lex, w)
	fs.addOrganisations(w)
	fs.addAsks(w)
	// How the words look, judged against English: a request in another language says nothing here.
	if lang, _ := analysis.Detect(r.text); lang != "" && lang != "en" {
		fs.add("lang:other")
		return fs
	}
	fs.addWordShapes(c.lex, w)
	return fs
}

// lengthFeature names the length of a request of n words (n > 0).
func lengthFeature(n int) string {
	switch {
	case n == 1:
		return "len:1"
	case n == 2:
		return "len:2"
	case n == 3:
		return "len:3"
	case n <= 5:
		return "len:4-5"
	default:
		return "len:6+"
	}
}

// addAddress adds the signs of a web address.
func (fs *featureList) addAddress(w []string) {
	for _, x := range w {
		if strings.HasPrefix(x, "www.") || strings.HasPrefix(x, "http") || strings.Contains(x, "://") {
			fs.add("url:www")
			break
		}
	}
	for _, x := range w {
		if hasTLD(x) {
			fs.add("url:domain")
			break
		}
	}
	for _, x := range w {
		if strings.Contains(x, "/") && strings.Contains(x, ".") {
			fs.add("url:path")
			break
		}
	}
}

// siteMatch is what the lexicon's site names found in a request.
type siteMatch struct {
	spans   []siteSpan
	covered int  // words inside the spans
	common  bool // a one-word name that is also an everyday word
}

// addSites adds the known sites and brands, the organisation's own brands, misspelt and joined names,
// and the site words around them.
func (c *Classifier) addSites(fs *featureList, w []string) {
	m := fs.addSiteNames(c.lex, w)
	for _, b := range c.brands {
		if indexPhrase(w, b) >= 0 {
			if len(b) == len(w) {
				fs.add("own-brand:all")
			} else {
				fs.add("own-brand:part")
			}
			break
		}
	}
	fs.addNameVariants(c.lex, w, len(m.spans) > 0)
	sw := siteWords.matches(w)
	for _, x := range sw {
		fs.add("siteword:" + x)
	}
	strongSite := false
	for _, x := range sw {
		if navSiteWords[x] {
			strongSite = true
		}
	}
	if strongSite && (len(m.spans) > 0 || hasOwnBrand(c.brands, w)) {
		fs.add("site+siteword")
	}
	if len(m.spans) > 0 && m.covered < len(w) && len(w) <= 4 && m.spans[0].src != "icons" && !m.common &&
		len(infoWords.matches(w)) == 0 && !whWords[w[0]] && !yesNoStarts[w[0]] {
		fs.add("site:part-short")
	}
}

// addSiteNames adds the known sites and brands the words name, also inside addresses
// ("wellsfargo.com/activate"), and returns those found outside addresses.
func (fs *featureList) addSiteNames(lex *Lexicon, w []string) siteMatch {
	var m siteMatch
	m.spans = lex.findSites(w)
	if len(m.spans) == 0 {
		if parts := splitAddress(w); len(parts) > len(w) {
			if len(lex.findSites(parts)) > 0 {
				fs.add("site:in-address")
			}
		}
	}
	for _, s := range m.spans {
		m.covered += s.end - s.start
	}
	for _, s := range m.spans {
		if !strings.Contains(s.name, " ") && lex.Freq(s.name) >= commonWordFreq {
			m.common = true
		}
	}
	if len(m.spans) == 0 {
		return m
	}
	src := m.spans[0].src
	switch {
	case m.covered == len(w) && m.common:
		fs.add("site:all-common-word")
	case m.covered == len(w):
		fs.add("site:all:" + src)
	default:
		fs.add("site:part:" + src)
		if m.common {
			fs.add("site:part-common-word")
		}
	}
	return m
}

// addNameVariants adds site names misspelt, written as one word ("wellsfargo", unless a name was found
// as written) or split ("face book").
func (fs *featureList) addNameVariants(lex *Lexicon, w []string, found bool) {
	for _, x := range w {
		x = strings.Trim(x, ".,'")
		if _, ok := lex.misspelt(x); ok {
			fs.add("site:misspelt")
			break
		}
		if name, ok := lex.joined[x]; ok && !found && strings.Contains(name, " ") {
			fs.add("site:joined")
			break
		}
	}
	if len(w) >= 2 && len(w) <= 3 {
		if _, ok := lex.joined[strings.Join(w, "")]; ok {
			fs.add("site:split")
		}
	}
}

// addPlaces adds places, and what a place's institutions offer.
func (fs *featureList) addPlaces(lex *Lexicon, w []string) {
	places := lex.findPlaces(w)
	for _, p := range places {
		for _, k := range p.kinds {
			fs.add("place:" + k)
		}
	}
	if len(places) == 0 {
		return
	}
	if len(govWords.matches(w)) > 0 {
		fs.add("place+gov")
	}
	if len(orgWords.matches(w)) > 0 {
		fs.add("place+org")
	}
	placeWords := 0
	for _, p := range places {
		placeWords += p.end - p.start
	}
	if placeWords == len(w) {
		fs.add("place:only")
	}
}

// xOfOrgs are the starts of institutions' names ("university of ...", "bank of ...").
var xOfOrgs = [][]string{{"university", "of"}, {"city", "of"}, {"county", "of"}, {"state", "of"}, {"department", "of"},
	{"bank", "of"}, {"college", "of"}, {"school", "of"}, {"town", "of"}, {"port", "of"}}

// addOrganisations adds the words that name organisations.
func (fs *featureList) addOrganisations(w []string) {
	ow := orgWords.matches(w)
	for _, x := range ow {
		fs.add("org:" + x)
	}
	if len(ow) > 0 {
		fs.add("org:any")
		if len(w) <= 5 {
			fs.add("org:short")
		}
	}
	for _, p := range xOfOrgs {
		if indexPhrase(w, p) >= 0 {
			fs.add("org:x-of")
			break
		}
	}
}

// addAsks adds what the request asks for: knowledge, an action, a choice; its question type and first
// word.
func (fs *featureList) addAsks(w []string) {
	for _, x := range infoWords.matches(w) {
		fs.add("info:" + x)
	}
	for _, x := range transWords.matches(w) {
		fs.add("trans:" + x)
	}
	for _, x := range commWords.matches(w) {
		fs.add("comm:" + x)
	}
	if qt, _ := questionType(w); qt != "none" {
		fs.add("qtype:" + string(qt))
	}
	first := w[0]
	if en, ok := foreignQuestionWords[first]; ok {
		first = en
	}
	if yesNoStarts[first] || whWords[first] {
		fs.add("first:" + first)
	}
}

// addWordShapes adds how the words look against an English dictionary: unknown, rare, with digits,
// compounds, scientific terms, acronyms, a business's last word.
func (fs *featureList) addWordShapes(lex *Lexicon, w []string) {
	oov, digits, minFreq := wordFrequencies(lex, w)
	switch {
	case oov == 0:
		fs.add("oov:none")
	case oov == len(w):
		fs.add("oov:all")
	default:
		fs.add("oov:some")
	}
	if digits {
		fs.add("digits")
	}
	fs.addUnknownWords(lex, w)
	if last := w[len(w)-1]; len(w) >= 2 && len(w) <= 4 && industryWords[last] {
		fs.add("org:industry-last")
	}
	if len(w) == 1 && len(w[0]) <= 4 && oov == 1 {
		fs.add("acronym")
	}
	switch {
	case minFreq < 0:
	case minFreq < 0.05:
		fs.add("rarest:<0.05")
	case minFreq < 1:
		fs.add("rarest:<1")
	case minFreq < 20:
		fs.add("rarest:<20")
	default:
		fs.add("rarest:common")
	}
}

// wordFrequencies returns how many of the words (trimmed of punctuation, those with digits aside) the
// dictionary lacks, whether any has digits, and the frequency of the rarest (-1 when none was looked up).
func wordFrequencies(lex *Lexicon, w []string) (oov int, digits bool, minFreq float64) {
	minFreq = -1.0
	for _, x := range w {
		x = strings.Trim(x, ".,'&-+#$£€")
		if x == "" {
			continue
		}
		if strings.IndexFunc(x, unicode.IsDigit) >= 0 {
			digits = true
			continue
		}
		f := lex.Freq(x)
		if f == 0 {
			oov++
		}
		if minFreq < 0 || f < minFreq {
			minFreq = f
		}
	}
	return oov, digits, minFreq
}

// addUnknownWords adds what the words the dictionary lacks may be: a domain written as one word
// ("ageonline" is "age" + "online"), or a term of science or medicine (Latin and Greek endings).
func (fs *featureList) addUnknownWords(lex *Lexicon, w []string) {
	for _, x := range w {
		x = strings.Trim(x, ".,'")
		if len(x) < 6 || lex.Known(x) || strings.IndexFunc(x, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			continue
		}
		if lex.compound(x) {
			fs.add("oov:compound")
		}
		if scientific(x) {
			fs.add("oov:scientific")
		}
	}
}

// industryWords end the names of businesses ("sage publishers", "johnson motors", "blue bottle coffee").
var industryWords = map[string]bool{"coffee": true, "publishers": true, "publishing": true, "tech": true,
	"technologies": true, "technology": true, "usa": true, "services": true, "solutions": true, "systems": true,
	"media": true, "records": true, "press": true, "studios": true, "studio": true, "labs": true, "foods": true,
	"brewing": true, "brewery": true, "motors": true, "auto": true, "autos": true, "realty": true, "homes": true,
	"furniture": true, "pharmacy": true, "dental": true, "clinic": true, "insurance": true, "bank": true,
	"financial": true, "capital": true, "partners": true, "group": true, "holdings": true, "international": true,
	"global": true, "corporation": true, "company": true, "co": true, "inc": true, "llc": true, "ltd": true,
	"airlines": true, "hotel": true, "resort": true, "casino": true, "restaurant": true, "grill": true,
	"cafe": true, "bakery": true, "salon": true, "spa": true, "fitness": true, "gym": true, "church": true,
	"academy": true, "institute": true, "foundation": true, "outlet": true, "outlets": true, "store": true,
	"stores": true, "market": true, "supply": true, "electric": true, "energy": true, "logistics": true,
	"shipping": true, "transport": true, "rentals": true, "apartments": true, "hospital": true, "university": true,
	"college": true, "schools": true, "district": true, "county": true, "cabinet": true, "department": true}

// scientificEndings mark the technical words of medicine and science.
var scientificEndings = []string{"itis", "osis", "emia", "oma", "ectomy", "otomy", "plasty", "ology", "ologist",
	"pathy", "phobia", "algia", "trophy", "plasia", "genesis", "lysis", "cyte", "cytes", "ase", "ine", "ide",
	"ate", "ol", "azole", "mycin", "cillin", "pril", "olol", "statin", "sartan", "dipine", "oxin", "ium", "ous",
	"ic", "al", "oid", "ism", "ia"}

func scientific(w string) bool {
	for _, e := range scientificEndings {
		if strings.HasSuffix(w, e) && len(w) > len(e)+3 {
			return true
		}
	}
	return false
}

var whWords = map[string]bool{"what": true, "who": true, "why": true, "how": true, "when": true, "where": true, "which": true, "whose": true}

// splitAddress splits words at the dots, slashes and dashes of web addresses.
func splitAddress(w []string) []string {
	var out []string
	for _, x := range w {
		out = append(out, strings.FieldsFunc(x, func(r rune) bool { return strings.ContainsRune("./-_:,", r) })...)
	}
	return out
}

func hasTLD(x string) bool {
	if strings.IndexByte(x, '.') < 0 {
		return false // every TLD starts with a dot
	}
	x = strings.Trim(x, ",;:/")
	for _, t := range tlds {
		if strings.HasSuffix(x, t) && len(x) > len(t)+1 {
			return true
		}
		if i := strings.Index(x, t+"/"); i > 0 {
			return true
		}
	}
	return false
}

func hasOwnBrand(brands [][]string, w []string) bool {
	for _, b := range brands {
		if indexPhrase(w, b) >= 0 {
			return true
		}
	}
	return false
}
