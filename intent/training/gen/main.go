// Command gen writes intent/training/generated.tsv: labelled requests made from templates and the
// vocabularies of vocab.txt, the sites and places of intent/lexicon, and the word list of intent/lexicon.
// It is deterministic (a fixed seed), so the file changes only when the templates or lists do.
//
//	go run ./intent/training/gen -root . -out intent/training/generated.tsv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type template struct {
	label   string
	weight  float64
	pattern string
}

// templates are the shapes of requests, with how often each appears. The shares of the labels follow
// what is known of web search: most requests seek information, a fifth a site, a few an action.
var templates = []template{
	// navigational
	{"navigational", 6, "{brand}"},
	{"navigational", 2, "{icon}"},
	{"navigational", 5, "{brand} {navsw}"},
	{"navigational", 1, "{icon} {navsw}"},
	{"navigational", 2, "www.{domain}.com"},
	{"navigational", 2, "{domain}.com"},
	{"navigational", 1, "{domain}.org"},
	{"navigational", 1, "{domain}.gov"},
	{"navigational", 1, "{domain}.com/{navword}"},
	{"navigational", 3, "{misspelt}"},
	{"navigational", 1, "{misspelt} {navsw}"},
	{"navigational", 2, "{brand} {city}"},
	{"navigational", 2, "{brand} {city} {state}"},
	{"navigational", 3, "{city} {gov}"},
	{"navigational", 2, "{city} county {gov}"},
	{"navigational", 2, "{state} {agency}"},
	{"navigational", 1, "{statecode} {agency}"},
	{"navigational", 1, "university of {state}"},
	{"navigational", 1, "{city} state university"},
	{"navigational", 1, "{city} community college"},
	{"navigational", 1, "{city} school district"},
	{"navigational", 1, "{city} public schools"},
	{"navigational", 1, "{city} public library"},
	{"navigational", 2, "{city} {orgtype}"},
	{"navigational", 1, "{word} {orgtype} {city}"},
	{"navigational", 1, "{concept} wikipedia"},
	{"navigational", 1, "{person} wikipedia"},
	{"navigational", 1, "{person} instagram"},
	{"navigational", 1, "{brand} {brandword}"},
	{"navigational", 2, "{surname} {industry}"},
	{"navigational", 2, "{surname} {industry} {city}"},
	{"navigational", 1, "{surname} and {surname} {industry}"},
	{"navigational", 2, "{compound}"},
	{"navigational", 1, "{compound}.com"},
	{"navigational", 1, "{compound} {navsw}"},
	// transactional
	{"transactional", 3, "download {software}"},
	{"transactional", 3, "{software} download"},
	{"transactional", 2, "{software} free download"},
	{"transactional", 1, "{software} download for windows 10"},
	{"transactional", 1, "{software} apk"},
	{"transactional", 1, "install {software}"},
	{"transactional", 2, "play {game} online free"},
	{"transactional", 1, "{game} online"},
	{"transactional", 1, "free {game}"},
	{"transactional", 3, "{tool}"},
	{"transactional", 1, "{tool} online"},
	{"transactional", 1, "free {tool}"},
	{"transactional", 2, "{brand} pay online"},
	{"transactional", 1, "pay {brand} bill"},
	{"transactional", 1, "buy {product} online"},
	{"transactional", 1, "order {food} online"},
	{"transactional", 1, "{brand} free trial"},
	{"transactional", 1, "sign up for {brand}"},
	{"transactional", 1, "book hotels in {city}"},
	{"transactional", 1, "watch {word} {word} online free"},
	{"transactional", 1, "{person} songs mp3 download"},
	{"transactional", 1, "{word} {word} template free"},
	// commercial
	{"commercial", 3, "best {product}"},
	{"commercial", 2, "best {product} {year}"},
	{"commercial", 2, "{product} reviews"},
	{"commercial", 1, "{product} review"},
	{"commercial", 1, "cheap {product}"},
	{"commercial", 1, "{product} price"},
	{"commercial", 1, "{product} for sale"},
	{"commercial", 1, "{product} deals"},
	{"commercial", 2, "{brand} coupons"},
	{"commercial", 1, "{brand} promo code"},
	{"commercial", 1, "{brand} vs {brand}"},
	{"commercial", 1, "{product} vs {product}"},
	{"commercial", 1, "top 10 {product}"},
	{"commercial", 1, "{brand} {product} review"},
	{"commercial", 1, "{product} under {number} dollars"},
	// informational
	{"informational", 2, "what is {concept}"},
	{"informational", 3, "{concept}"},
	{"informational", 1, "{concept} definition"},
	{"informational", 1, "{concept} explained"},
	{"informational", 3, "how to {task}"},
	{"informational", 1, "{task}"},
	{"informational", 2, "{medical} symptoms"},
	{"informational", 2, "{medical}"},
	{"informational", 1, "{medical} treatment"},
	{"informational", 1, "{medical} causes"},
	{"informational", 1, "{drug} side effects"},
	{"informational", 1, "{drug} dosage"},
	{"informational", 1, "{drug}"},
	{"informational", 2, "{person}"},
	{"informational", 1, "{person} age"},
	{"informational", 1, "{person} net worth"},
	{"informational", 1, "who is {person}"},
	{"informational", 1, "when did {person} die"},
	{"informational", 2, "{food} recipe"},
	{"informational", 1, "{food}"},
	{"informational", 1, "{animal} facts"},
	{"informational", 1, "{animal}"},
	{"informational", 1, "{country} population"},
	{"informational", 1, "capital of {country}"},
	{"informational", 1, "{city} weather"},
	{"informational", 1, "things to do in {city}"},
	{"informational", 1, "{city} {state} population"},
	{"informational", 1, "{country} {word}"},
	{"informational", 5, "{word} {word}"},
	{"informational", 3, "{word}"},
	{"informational", 3, "{rare} {word}"},
	{"informational", 2, "{word} {rare}"},
	{"informational", 1, "{rare}"},
	{"informational", 1, "{word} {word} {word}"},
	{"informational", 1, "{word} meaning"},
	{"informational", 1, "synonyms for {word}"},
	{"informational", 1, "why do {word} {word}"},
	{"informational", 1, "is {word} {word}"},
	{"informational", 1, "can you {word} {word}"},
	{"informational", 1, "{brand} stock price"},
	{"informational", 1, "{brand} ceo"},
	{"informational", 1, "{brand} history"},
	{"informational", 1, "how to {navword} {brand} account"},
	{"informational", 1, "{brand} customer service number"},
	{"informational", 1, "{product} {word}"},
	{"informational", 1, "{year} {word} {word}"},
	{"informational", 1, "{state} {word} law"},
	{"informational", 1, "{word} {word} {state}"},
	{"informational", 1, "{icon} {word}"},
	{"informational", 1, "{word} {word} for kids"},
	{"informational", 1, "list of {word} {word}"},
	{"informational", 1, "{number} {word} {word}"},
	{"informational", 3, "{typo}"},
	{"informational", 2, "{typo} {word}"},
	{"informational", 2, "{word} {typo}"},
	{"informational", 1, "{word} {word} {typo}"},
	{"informational", 2, "{city} {word}"},
	{"informational", 2, "{word} in {city}"},
	{"informational", 1, "{word} {word} {city}"},
	{"informational", 1, "{state} {word}"},
	{"informational", 1, "{city} news"},
	{"informational", 1, "{person} {city}"},
	{"informational", 2, "{scientific}"},
	{"informational", 2, "{scientific} {word}"},
	{"informational", 1, "{word} {scientific}"},
	{"informational", 1, "what is {scientific}"},
	{"informational", 1, "{surname} {word}"},
	{"informational", 1, "{word} {industry}"},
}

// shares are the part of the generated requests each label gets.
var shares = map[string]float64{"informational": 0.62, "navigational": 0.22, "commercial": 0.08, "transactional": 0.08}

var slotLists = map[string][]string{
	"navsw": {"login", "log in", "sign in", "account", "my account", "website", "official site", "jobs", "careers", "app",
		"customer login", "online banking", "webmail", "portal", "homepage", "tracking", "bill pay", "sign on", "employee login"},
	"navword": {"login", "account", "careers", "jobs", "signin", "support", "activate", "register", "pay"},
	"gov": {"property tax", "dmv", "court records", "unemployment", "building permit", "jury duty", "voter registration",
		"business license", "water bill", "city hall", "police department", "public library", "parks and recreation",
		"school district", "public schools", "tax assessor", "county clerk", "inmate search", "transit", "airport"},
	"agency": {"department of revenue", "dmv", "unemployment", "secretary of state", "lottery", "state parks",
		"department of labor", "medicaid", "child support", "real id", "state police", "board of nursing",
		"department of education", "attorney general", "tax refund status", "state university", "license renewal"},
	"orgtype": {"university", "college", "medical center", "hospital", "credit union", "bank", "high school", "zoo",
		"museum", "airport", "public library", "city schools", "chamber of commerce", "symphony", "fair"},
	"brandword": {"store", "shop", "outlet", "rewards", "plus", "prime", "support", "help center", "gift card balance"},
}

func main() {
	root := flag.String("root", ".", "the repository root")
	n := flag.Int("n", 24000, "how many requests")
	out := flag.String("out", "", "write here instead of stdout")
	flag.Parse()
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := run(*root, *n, w); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func readTSV(path string, fn func(cols []string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		fn(strings.Split(l, "\t"))
	}
	return sc.Err()
}

func run(root string, n int, out *os.File) error {
	rng := rand.New(rand.NewPCG(1, 2))
	lists, err := readLists(root)
	if err != nil {
		return err
	}
	p := picker{rng: rng, lists: lists}
	return write(out, generate(rng, p.pick, n))
}

// readLists returns the slot lists: slotLists and those read from vocab.txt, the lexicon's sites and
// places, and the word list.
func readLists(root string) (map[string][]string, error) {
	lists := map[string][]string{}
	for k, v := range slotLists {
		lists[k] = v
	}
	for _, read := range []func(string, map[string][]string) error{readVocab, readSites, readPlaces, readWords} {
		if err := read(root, lists); err != nil {
			return nil, err
		}
	}
	return lists, nil
}

// readVocab adds the sections of vocab.txt ("[name]" then a word or phrase a line) to lists.
func readVocab(root string, lists map[string][]string) error {
	f, err := os.Open(filepath.Join(root, "intent", "training", "vocab.txt"))
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(f)
	section := ""
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			section = l[1 : len(l)-1]
		default:
			lists[section] = append(lists[section], l)
		}
	}
	f.Close()
	return nil
}

// readSites adds the lexicon's sites: curated and top names are brands (and, when they look like one,
// domains and names to misspell); icon names too, as their own slot.
func readSites(root string, lists map[string][]string) error {
	return readTSV(filepath.Join(root, "intent", "lexicon", "sites.tsv"), func(c []string) {
		if len(c) != 2 {
			return
		}
		switch {
		case strings.Contains(c[1], "curated") || strings.Contains(c[1], "top"):
			lists["brand"] = append(lists["brand"], c[0])
			if !strings.ContainsAny(c[0], " .&'") && len(c[0]) >= 3 {
				lists["domain"] = append(lists["domain"], c[0])
			}
			if len(c[0]) >= 6 && !strings.ContainsAny(c[0], " .&'0123456789") {
				lists["misspellable"] = append(lists["misspellable"], c[0])
			}
		default:
			lists["icon"] = append(lists["icon"], c[0])
		}
	})
}

// readPlaces adds the lexicon's cities, states, state codes and countries.
func readPlaces(root string, lists map[string][]string) error {
	return readTSV(filepath.Join(root, "intent", "lexicon", "places.tsv"), func(c []string) {
		if len(c) != 2 {
			return
		}
		switch c[1] {
		case "us-city":
			lists["city"] = append(lists["city"], c[0])
		case "state":
			lists["state"] = append(lists["state"], c[0])
		case "state-code":
			lists["statecode"] = append(lists["statecode"], c[0])
		case "country":
			lists["country"] = append(lists["country"], c[0])
		}
	})
}

// readWords adds the word list's words past the 400 most frequent: up to rank 15,000 as everyday words,
// the rest as rare ones.
func readWords(root string, lists map[string][]string) error {
	rank := 0
	return readTSV(filepath.Join(root, "analysis", "words.tsv"), func(c []string) {
		rank++
		w := c[0]
		if len(w) < 3 || strings.ContainsAny(w, "'") {
			return
		}
		switch {
		case rank > 400 && rank <= 15000:
			lists["word"] = append(lists["word"], w)
		case rank > 15000:
			lists["rare"] = append(lists["rare"], w)
		}
	})
}

// picker fills a template's slots: from the lists, or made up (years, numbers, misspellings, compounds,
// scientific terms).
type picker struct {
	rng   *rand.Rand
	lists map[string][]string
}

// pick returns a value for the slot name.
func (p picker) pick(name string) string {
	rng, lists := p.rng, p.lists
	switch name {
	case "year":
		return fmt.Sprint(2015 + rng.IntN(12))
	case "number":
		return fmt.Sprint([]int{50, 100, 200, 300, 500, 1000}[rng.IntN(6)])
	case "misspelt":
		l := lists["misspellable"]
		return misspell(rng, l[rng.IntN(len(l))])
	case "typo":
		l := lists["word"]
		if rng.IntN(2) == 0 {
			l = lists["rare"]
		}
		for {
			if w := l[rng.IntN(len(l))]; len(w) >= 4 {
				return misspell(rng, w)
			}
		}
	case "compound":
		l := lists["word"]
		return l[rng.IntN(len(l))] + l[rng.IntN(len(l))]
	case "scientific":
		roots := []string{"cardio", "neuro", "gastro", "derma", "hepato", "osteo", "arthro", "nephro", "pneumo", "myo",
			"hemo", "lympho", "endo", "hyper", "hypo", "peri", "encephalo", "cysto", "angio", "rhino", "oto", "ophthalmo"}
		ends := []string{"itis", "osis", "ectomy", "ology", "pathy", "algia", "plasty", "oma", "emia", "scopy", "trophy"}
		return roots[rng.IntN(len(roots))] + ends[rng.IntN(len(ends))]
	}
	l := lists[name]
	if len(l) == 0 {
		panic("no slot list " + name)
	}
	return l[rng.IntN(len(l))]
}

// row is one generated request and its label.
type row struct{ label, text string }

// generate makes about n distinct requests, each label's share of them, sorted by label.
func generate(rng *rand.Rand, pick func(string) string, n int) []row {
	seen := map[string]bool{}
	var rows []row
	for _, label := range []string{"informational", "navigational", "commercial", "transactional"} {
		var ts []template
		var total float64
		for _, t := range templates {
			if t.label == label {
				ts = append(ts, t)
				total += t.weight
			}
		}
		want := int(float64(n) * shares[label])
		for made, tries := 0, 0; made < want && tries < want*20; tries++ {
			text := fill(choose(rng, ts, total).pattern, pick)
			if seen[text] {
				continue
			}
			seen[text] = true
			rows = append(rows, row{label, text})
			made++
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].label < rows[j].label })
	return rows
}

// choose picks one of ts by weight; total is the sum of their weights.
func choose(rng *rand.Rand, ts []template, total float64) template {
	x := rng.Float64() * total
	t := ts[len(ts)-1]
	for _, tt := range ts {
		if x < tt.weight {
			return tt
		}
		x -= tt.weight
	}
	return t
}

// write writes the rows as label<TAB>text lines under a header.
func write(out *os.File, rows []row) error {
	w := bufio.NewWriter(out)
	fmt.Fprintln(w, "# Generated by intent/training/gen from templates and open word lists; do not edit by hand.")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\n", r.label, r.text)
	}
	return w.Flush()
}

func fill(pattern string, pick func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		j := strings.IndexByte(pattern[i:], '}')
		b.WriteString(pattern[:i])
		b.WriteString(pick(pattern[i+1 : i+j]))
		pattern = pattern[i+j+1:]
	}
}

// misspell makes one typing error in s: a letter dropped, doubled, swapped with the next, or replaced.
func misspell(rng *rand.Rand, s string) string {
	b := []byte(s)
	i := 1 + rng.IntN(len(b)-2)
	switch rng.IntN(4) {
	case 0:
		return string(append(b[:i:i], b[i+1:]...))
	case 1:
		return string(b[:i+1]) + string(b[i:])
	case 2:
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	default:
		b[i] = "abcdefghijklmnopqrstuvwxyz"[rng.IntN(26)]
		return string(b)
	}
}
