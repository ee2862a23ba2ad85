package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/heed-dev/heed"
)

// Extracted is what one HTML page says about itself.
type Extracted struct {
	Page      heed.Page
	Canonical string // the canonical URL the page declares, resolved; "" when none
	NoIndex   bool   // <meta name="robots" content="noindex">
	Links     []string
}

// Limits on what is kept of one page.
const (
	maxBody      = 200_000 // characters of main text
	maxHeadings  = 200
	maxQuestions = 200
	maxLinks     = 2000
)

// Extract reads an HTML document fetched from base: its title, meta description, h1–h3, main text (nav,
// header, footer, scripts and forms stripped), language, canonical link, robots meta, JSON-LD
// question-answer pairs, and a page type from JSON-LD, Open Graph, the URL and the page's form.
func Extract(base *url.URL, body []byte) (Extracted, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return Extracted{}, fmt.Errorf("parse HTML: %w", err)
	}
	var ex Extracted
	p := &ex.Page
	p.URL = base.String()
	p.Title = clean(doc.Find("head title").First().Text())
	if p.Title == "" {
		p.Title = clean(doc.Find("title").First().Text())
	}
	p.Lang = strings.TrimSpace(doc.Find("html").AttrOr("lang", ""))
	readMeta(doc, &ex)
	ex.Canonical = canonicalLink(doc, base)
	ldType := readJSONLDScripts(doc, p)
	ex.Links = links(doc, base)
	hasPassword := doc.Find(`input[type="password"]`).Length() > 0
	readMain(doc, p) // removes the page's furniture: last

	switch {
	case ldType != heed.PageUnknown:
		p.Type = ldType
	case p.Type != "":
	case hasPassword:
		p.Type = heed.PageLogin
	default:
		p.Type = typeFromPath(base.Path)
	}
	return ex, nil
}

// readMeta reads the meta elements: the description (or Open Graph's), robots' noindex, and the Open
// Graph type.
func readMeta(doc *goquery.Document, ex *Extracted) {
	p := &ex.Page
	doc.Find("meta").Each(func(_ int, m *goquery.Selection) {
		name := strings.ToLower(m.AttrOr("name", m.AttrOr("property", "")))
		content := m.AttrOr("content", "")
		switch name {
		case "description":
			if p.Description == "" {
				p.Description = clean(content)
			}
		case "og:description":
			if p.Description == "" {
				p.Description = clean(content)
			}
		case "robots", "googlebot":
			for _, d := range strings.Split(strings.ToLower(content), ",") {
				if d = strings.TrimSpace(d); d == "noindex" || d == "none" {
					ex.NoIndex = true
				}
			}
		case "og:type":
			if t := ogType(content); t != "" && p.Type == "" {
				p.Type = t
			}
		}
	})
}

// canonicalLink is the first canonical link's URL, resolved against base; "" when there is none or it is
// not an http(s) URL.
func canonicalLink(doc *goquery.Document, base *url.URL) string {
	canonical := ""
	doc.Find("link[rel]").EachWithBreak(func(_ int, l *goquery.Selection) bool {
		for _, rel := range strings.Fields(strings.ToLower(l.AttrOr("rel", ""))) {
			if rel == "canonical" {
				if u, ok := resolveHTTP(base, l.AttrOr("href", "")); ok {
					canonical = u
				}
				return false
			}
		}
		return true
	})
	return canonical
}

// readJSONLDScripts reads the JSON-LD scripts: their questions and answers go to p, and the first page
// type one of them gives is returned (heed.PageUnknown when none does).
func readJSONLDScripts(doc *goquery.Document, p *heed.Page) heed.PageType {
	ldType := heed.PageUnknown
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		t, qas := readJSONLD([]byte(s.Text()))
		if ldType == heed.PageUnknown {
			ldType = t
		}
		for _, qa := range qas {
			if len(p.Questions) < maxQuestions {
				p.Questions = append(p.Questions, qa)
			}
		}
	})
	return ldType
}

// links are the page's http(s) links, resolved against base, maxLinks at the most.
func links(doc *goquery.Document, base *url.URL) []string {
	var out []string
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		if len(out) >= maxLinks {
			return
		}
		if u, ok := resolveHTTP(base, a.AttrOr("href", "")); ok {
			out = append(out, u)
		}
	})
	return out
}

// resolveHTTP resolves href against base, without its fragment; ok is false unless it is an http(s) URL.
func resolveHTTP(base *url.URL, href string) (string, bool) {
	u, err := base.Parse(strings.TrimSpace(href))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	u.Fragment = ""
	return u.String(), true
}

// readMain removes the page's furniture from doc and reads the main element or article when there is one
// (else the body): its h1–h3 headings and its text. A page without a title takes its first heading.
func readMain(doc *goquery.Document, p *heed.Page) {
	doc.Find("script, style, noscript, template, svg, iframe, nav, header, footer, aside, form, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true], [hidden]").Remove()
	main := doc.Find("main, [role=main]").First()
	if main.Length() == 0 {
		main = doc.Find("article").First()
	}
	if main.Length() == 0 {
		main = doc.Find("body")
	}
	main.Find("h1, h2, h3").Each(func(_ int, h *goquery.Selection) {
		if t := clean(h.Text()); t != "" && len(p.Headings) < maxHeadings {
			p.Headings = append(p.Headings, t)
		}
	})
	p.Body = truncate(textOf(main), maxBody)
	if p.Title == "" && len(p.Headings) > 0 {
		p.Title = p.Headings[0]
	}
}

// textOf returns the visible text of s, with block elements on lines of their own.
func textOf(s *goquery.Selection) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			// Line breaks inside text are spaces; only block elements start lines.
			b.WriteString(strings.Map(func(r rune) rune {
				if r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, n.Data))
		case html.ElementNode:
			block := isBlock(n.Data)
			if block {
				b.WriteByte('\n')
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			if block {
				b.WriteByte('\n')
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range s.Nodes {
		walk(n)
	}
	// Collapse spaces within lines, drop empty lines.
	var out []string
	for _, line := range strings.Split(b.String(), "\n") {
		if l := clean(line); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func isBlock(tag string) bool {
	switch tag {
	case "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
		"table", "tr", "td", "th", "dd", "dt", "dl", "br", "pre", "blockquote", "details", "summary", "figure", "figcaption":
		return true
	}
	return false
}

// clean collapses white space and drops invalid bytes.
func clean(s string) string {
	s, _ = heed.CleanText(s, 0)
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// truncate cuts s to at most n characters, keeping its line breaks.
func truncate(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}

func ogType(t string) heed.PageType {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "product", "og:product", "product.item":
		return heed.PageProduct
	case "article", "blog":
		return heed.PageArticle
	}
	return heed.PageUnknown
}

// typeFromPath guesses a page type from words in its path, as sites name their sections.
func typeFromPath(path string) heed.PageType {
	p := "/" + strings.Trim(strings.ToLower(path), "/") + "/"
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(p, "/"+w+"/") || strings.Contains(p, "/"+w+"-") || strings.Contains(p, "-"+w+"/") {
				return true
			}
		}
		return false
	}
	switch {
	case has("login", "signin", "sign-in", "log-in", "account"):
		return heed.PageLogin
	case has("pricing", "prices", "plans"):
		return heed.PagePricing
	case has("compare", "comparison", "vs"):
		return heed.PageComparison
	case has("stores", "store-locator", "locations", "location", "find-a-store", "studios", "studio"):
		return heed.PageLocation
	case has("contact", "contact-us"):
		return heed.PageContact
	case has("faq", "faqs"):
		return heed.PageFAQ
	case has("blog", "news", "stories", "articles"):
		return heed.PageArticle
	case has("product", "products", "shop"):
		return heed.PageProduct
	case has("guide", "guides", "how-to", "howto", "tutorial", "tutorials"):
		return heed.PageGuide
	case has("help", "support", "kb", "knowledge-base"):
		return heed.PageSupport
	}
	return heed.PageUnknown
}

// readJSONLD reads one JSON-LD block: the page type its main @type implies, and its question-answer pairs
// (FAQPage mainEntity, QAPage, HowTo steps as questions of "how to" form are not invented: HowTo names are).
func readJSONLD(data []byte) (heed.PageType, []heed.QA) {
	var v any
	if err := json.Unmarshal(bytes.TrimSpace(data), &v); err != nil {
		return heed.PageUnknown, nil
	}
	var t heed.PageType
	var qas []heed.QA
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 8 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				visit(e, depth+1)
			}
		case map[string]any:
			types := ldTypes(x["@type"])
			for _, ty := range types {
				if pt := typeFromSchema(ty); pt != heed.PageUnknown && t == heed.PageUnknown {
					t = pt
				}
				switch ty {
				case "Question":
					q := heed.QA{Question: clean(stringOf(x["name"]))}
					if a, ok := x["acceptedAnswer"].(map[string]any); ok {
						q.Answer = stripTags(stringOf(a["text"]))
					} else if as, ok := x["suggestedAnswer"].([]any); ok && len(as) > 0 {
						if a, ok := as[0].(map[string]any); ok {
							q.Answer = stripTags(stringOf(a["text"]))
						}
					}
					if q.Question != "" {
						qas = append(qas, q)
					}
				case "HowTo":
					if name := clean(stringOf(x["name"])); name != "" {
						qas = append(qas, heed.QA{Question: name, Answer: howToSteps(x["step"])})
					}
				}
			}
			for k, e := range x {
				if k == "@type" || k == "@context" {
					continue
				}
				visit(e, depth+1)
			}
		}
	}
	visit(v, 0)
	return t, qas
}

func ldTypes(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func typeFromSchema(t string) heed.PageType {
	switch t {
	case "FAQPage", "QAPage":
		return heed.PageFAQ
	case "HowTo":
		return heed.PageGuide
	case "Product", "ProductGroup", "Offer":
		return heed.PageProduct
	case "Article", "BlogPosting", "NewsArticle", "TechArticle":
		return heed.PageArticle
	case "ContactPage":
		return heed.PageContact
	case "Store", "LocalBusiness", "BikeStore", "AutoRepair", "Place":
		return heed.PageLocation
	}
	return heed.PageUnknown
}

func howToSteps(v any) string {
	var parts []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			parts = append(parts, clean(x))
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if s := stringOf(x["text"]); s != "" {
				parts = append(parts, stripTags(s))
			} else if s := stringOf(x["name"]); s != "" {
				parts = append(parts, clean(s))
			}
			if e, ok := x["itemListElement"]; ok {
				walk(e)
			}
		}
	}
	walk(v)
	return strings.Join(parts, "\n")
}

func stringOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// stripTags returns the text of an HTML fragment (JSON-LD answers often hold markup).
func stripTags(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return clean(s)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return clean(s)
	}
	doc.Find("script, style").Remove()
	return clean(doc.Text())
}
