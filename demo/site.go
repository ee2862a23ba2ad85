package demo

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"html/template"
	"net/http"
	"strings"
)

// internalPath is a page robots.txt forbids: listed in the sitemap, so a polite crawler must skip it.
const internalPath = "/internal/agent-notes"

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"paragraphs": func(s string) []string {
		var out []string
		for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
			if p = strings.Join(strings.Fields(p), " "); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
}).Parse(`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{{.Page.Title}} | {{.World.Organisation}} Help Centre</title>
<meta name="description" content="{{.Page.Description}}">
{{if .Page.NoIndex}}<meta name="robots" content="noindex, nofollow">{{end}}
<link rel="canonical" href="{{.Canonical}}">
{{range .JSONLD}}<script type="application/ld+json">{{.}}</script>
{{end}}<script>window.dataLayer = window.dataLayer || []; dataLayer.push({"page": "help"});</script>
<style>body{font-family:sans-serif;max-width:60rem;margin:auto}</style>
</head>
<body>
<header><a href="/">{{.World.Organisation}} Help Centre</a> <form action="/search"><input name="q" placeholder="Search help"></form></header>
<nav><a href="/help/charge-your-battery">Charging</a> <a href="/pricing">Prices</a> <a href="/contact">Contact us</a> <a href="/account/sign-in">Sign in</a></nav>
<main>
<article>
<h1>{{.Page.Title}}</h1>
<p class="lede">{{.Page.Description}}</p>
{{range .Page.Sections}}<h2>{{.Heading}}</h2>
{{range paragraphs .Text}}<p>{{.}}</p>
{{end}}{{end}}{{if .Page.Steps}}<h2>Step by step</h2>
<ol>{{range .Page.Steps}}<li>{{.}}</li>{{end}}</ol>
{{end}}{{if .Page.FAQ}}<h2>Frequently asked questions</h2>
{{range .Page.FAQ}}<h3>{{.Q}}</h3>
<p>{{.A}}</p>
{{end}}{{end}}{{if eq .Page.Type "login"}}<form method="post" action="/account/session"><label>Email <input type="email" name="email"></label><label>Password <input type="password" name="password"></label><button>Sign in</button></form>{{end}}
</article>
</main>
<aside><h2>Related articles</h2><ul><li><a href="/help/warranty">Warranty</a></li><li><a href="/help/returns-and-refunds">Returns</a></li></ul></aside>
<footer><p>© {{.World.Organisation}} Ltd. <a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a></p></footer>
</body>
</html>
`))

// jsonLD returns the structured data a page carries: FAQPage for its questions, HowTo for its steps, and
// the schema.org type of the page itself.
func jsonLD(w *World, p Page) []template.JS {
	var out []template.JS
	add := func(v any) {
		b, err := json.Marshal(v)
		if err == nil {
			out = append(out, template.JS(b)) // json.Marshal escapes <, > and & inside strings
		}
	}
	ctx := "https://schema.org"
	if len(p.FAQ) > 0 {
		var qs []any
		for _, qa := range p.FAQ {
			qs = append(qs, map[string]any{"@type": "Question", "name": qa.Q,
				"acceptedAnswer": map[string]any{"@type": "Answer", "text": qa.A}})
		}
		add(map[string]any{"@context": ctx, "@type": "FAQPage", "mainEntity": qs})
	}
	if len(p.Steps) > 0 {
		var steps []any
		for _, s := range p.Steps {
			steps = append(steps, map[string]any{"@type": "HowToStep", "text": s})
		}
		add(map[string]any{"@context": ctx, "@type": "HowTo", "name": p.Title, "step": steps})
	}
	switch p.Type {
	case "product":
		add(map[string]any{"@context": ctx, "@type": "Product", "name": p.Title, "brand": w.Organisation, "description": p.Description})
	case "article":
		add(map[string]any{"@context": ctx, "@type": "BlogPosting", "headline": p.Title, "dateModified": p.LastMod})
	case "location":
		add(map[string]any{"@context": ctx, "@type": "BikeStore", "name": p.Title})
	case "contact":
		add(map[string]any{"@context": ctx, "@type": "ContactPage", "name": p.Title})
	}
	return out
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// siteHandler serves the help centre: robots.txt naming a sitemap index, a plain and a gzip sitemap, and
// the pages. root returns the site's own address, known once it listens.
func siteHandler(w *World, root func() string) http.Handler {
	byPath := map[string]Page{}
	for _, p := range w.Pages {
		byPath[p.Path] = p
	}
	sitemap := func(blog bool) []byte {
		var urls []sitemapURL
		for _, p := range w.Pages {
			if (p.Type == "article") == blog {
				urls = append(urls, sitemapURL{Loc: strings.TrimSuffix(root(), "/") + p.Path, LastMod: p.LastMod})
			}
		}
		if !blog {
			urls = append(urls, sitemapURL{Loc: strings.TrimSuffix(root(), "/") + internalPath})
			// A hostile entry: a page whose url is not http(s) must be skipped and counted, never linked.
			urls = append(urls, sitemapURL{Loc: "javascript:alert(document.domain)//lark-page"})
		}
		b, _ := xml.MarshalIndent(struct {
			XMLName xml.Name     `xml:"urlset"`
			NS      string       `xml:"xmlns,attr"`
			URLs    []sitemapURL `xml:"url"`
		}{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: urls}, "", "  ")
		return append([]byte(xml.Header), b...)
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		base := strings.TrimSuffix(root(), "/")
		switch r.URL.Path {
		case "/robots.txt":
			rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
			rw.Write([]byte("User-agent: *\nDisallow: /internal/\nDisallow: /search\n\nSitemap: " + base + "/sitemap.xml\n"))
			return
		case "/sitemap.xml":
			rw.Header().Set("Content-Type", "application/xml")
			rw.Write([]byte(xml.Header + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>` + base + `/sitemaps/help.xml</loc></sitemap>
  <sitemap><loc>` + base + `/sitemaps/blog.xml.gz</loc></sitemap>
</sitemapindex>
`))
			return
		case "/sitemaps/help.xml":
			rw.Header().Set("Content-Type", "application/xml")
			rw.Write(sitemap(false))
			return
		case "/sitemaps/blog.xml.gz":
			rw.Header().Set("Content-Type", "application/gzip")
			zw := gzip.NewWriter(rw)
			zw.Write(sitemap(true))
			zw.Close()
			return
		case internalPath:
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
			rw.Write([]byte("<!DOCTYPE html><title>Agent notes</title><p>Internal: not for customers.</p>"))
			return
		}
		p, ok := byPath[r.URL.Path]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		var buf bytes.Buffer
		err := pageTmpl.Execute(&buf, map[string]any{"World": w, "Page": p, "Canonical": canonical(w, p.Path), "JSONLD": jsonLD(w, p)})
		if err != nil {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
			return
		}
		// Validators, as real sites send them, so that a second crawl revalidates instead of downloading.
		sum := sha256.Sum256(buf.Bytes())
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		rw.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			rw.WriteHeader(http.StatusNotModified)
			return
		}
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Write(buf.Bytes())
	})
}
