package suggest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/heed-dev/heed/crawler"
)

// The public endpoints of the big engines (sources.md). A source's Base replaces their scheme, host and
// port; paths and parameters stay these.
const (
	googleEndpoint    = "https://suggestqueries.google.com/complete/search"
	bingEndpoint      = "https://api.bing.com/osjson.aspx"
	duckduckgoEnd     = "https://duckduckgo.com/ac/"
	amazonEndpoint    = "https://completion.amazon.com/api/2017/suggestions"
	wikipediaTemplate = "https://%s.wikipedia.org/w/api.php"
)

// Kinds maps each suggestion source kind to its constructor.
var Kinds = map[string]func(spec crawler.Spec, f getter) (*Source, error){
	"opensearch": NewOpenSearch, "google": NewGoogle, "youtube": NewYouTube, "bing": NewBing,
	"duckduckgo": NewDuckDuckGo, "amazon": NewAmazon, "wikipedia": NewWikipedia,
}

// AmazonMarketplaces maps a country code to its Amazon marketplace id.
var AmazonMarketplaces = map[string]string{
	"us": "ATVPDKIKX0DER", "uk": "A1F83G8C2ARO7P", "gb": "A1F83G8C2ARO7P", "ca": "A2EUQ1WTGCTBG2", "in": "A21TJRUUN4KGV",
	"de": "A1PA6795UKMFR9", "fr": "A13V1IB3VIYZZH", "es": "A1RKKUPIHCS9HS", "it": "APJ6JRA9NG5V4", "jp": "A1VC38T7YXB528",
	"au": "A39IBJ37TRP1C6", "mx": "A1AM78C64UM0Y8", "br": "A2Q3Y263D00KWC", "nl": "A1805IZSGTT6HS",
}

// endpoint resolves a public endpoint against the spec's base.
func endpoint(spec crawler.Spec, public string) (*url.URL, error) {
	raw, err := crawler.Endpoint(public, spec.Base)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec.SourceName(), err)
	}
	return url.Parse(raw)
}

// withQuery returns a builder that sets the query parameter key on u, keeping the fixed parameters.
func withQuery(u *url.URL, fixed url.Values, key string) func(string) string {
	return func(q string) string {
		v := url.Values{}
		for k, vs := range fixed {
			v[k] = vs
		}
		v.Set(key, q)
		c := *u
		c.RawQuery = v.Encode()
		return c.String()
	}
}

// langOf reduces a locale ("en-GB", "de_DE", "us-en") to the language of its expansion words.
func langOf(locale string) string {
	l := strings.ToLower(locale)
	if a, b, ok := strings.Cut(strings.ReplaceAll(l, "_", "-"), "-"); ok {
		// DuckDuckGo writes region first ("us-en", "de-de"): the language is the part that is one.
		if _, known := localeWords[b]; known {
			return b
		}
		return a
	}
	return l
}

// NewGoogle returns Google's suggestion source. Options: client (firefox, the default; chrome, which adds
// relevance scores; toolbar, which answers XML), hl (language), gl (country), ds (a vertical: yt).
func NewGoogle(spec crawler.Spec, f getter) (*Source, error) {
	u, err := endpoint(spec, googleEndpoint)
	if err != nil {
		return nil, err
	}
	client := spec.Option("client", "firefox")
	fixed := url.Values{"client": {client}}
	hl, gl := spec.Option("hl", "en"), spec.Option("gl", "")
	fixed.Set("hl", hl)
	if gl != "" {
		fixed.Set("gl", gl)
	}
	if ds := spec.Option("ds", ""); ds != "" {
		fixed.Set("ds", ds)
	}
	s := &Source{name: spec.SourceName(), kind: "google", lang: langOf(hl), locale: locale(hl, gl), expand: spec.Expand, f: f,
		accept: "application/json, text/javascript, */*;q=0.1"}
	switch client {
	case "firefox":
		s.parse = ParseOpenSearch
	case "chrome":
		s.parse = ParseGoogleChrome
	case "toolbar":
		fixed.Set("output", "toolbar")
		s.parse, s.accept = ParseGoogleToolbar, "text/xml, application/xml;q=0.9, */*;q=0.1"
	case "youtube":
		s.parse = ParseJSONP
	default:
		return nil, fmt.Errorf("source %s: client %q: want firefox, chrome, toolbar or youtube", s.name, client)
	}
	s.build = withQuery(u, fixed, "q")
	return s, nil
}

// NewYouTube returns YouTube's suggestion source (Google's endpoint with ds=yt, answering JSONP).
// Options: hl, gl.
func NewYouTube(spec crawler.Spec, f getter) (*Source, error) {
	u, err := endpoint(spec, googleEndpoint)
	if err != nil {
		return nil, err
	}
	hl, gl := spec.Option("hl", "en"), spec.Option("gl", "")
	fixed := url.Values{"client": {"youtube"}, "ds": {"yt"}, "hl": {hl}}
	if gl != "" {
		fixed.Set("gl", gl)
	}
	return &Source{name: spec.SourceName(), kind: "youtube", lang: langOf(hl), locale: locale(hl, gl), expand: spec.Expand, f: f,
		build: withQuery(u, fixed, "q"), parse: ParseJSONP, accept: "text/javascript, application/json;q=0.9, */*;q=0.1"}, nil
}

// NewBing returns Bing's suggestion source. Options: market (default en-US).
func NewBing(spec crawler.Spec, f getter) (*Source, error) {
	u, err := endpoint(spec, bingEndpoint)
	if err != nil {
		return nil, err
	}
	market := spec.Option("market", "en-US")
	return &Source{name: spec.SourceName(), kind: "bing", lang: langOf(market), locale: market, expand: spec.Expand, f: f,
		build: withQuery(u, url.Values{"market": {market}}, "query"), parse: ParseOpenSearch,
		accept: "application/x-suggestions+json, application/json;q=0.9, */*;q=0.1"}, nil
}

// NewDuckDuckGo returns DuckDuckGo's suggestion source, reading both of its shapes. Options: kl (region,
// default us-en), type (list for the OpenSearch shape; by default the phrase objects).
func NewDuckDuckGo(spec crawler.Spec, f getter) (*Source, error) {
	u, err := endpoint(spec, duckduckgoEnd)
	if err != nil {
		return nil, err
	}
	kl := spec.Option("kl", "us-en")
	fixed := url.Values{"kl": {kl}}
	if t := spec.Option("type", ""); t != "" {
		fixed.Set("type", t)
	}
	return &Source{name: spec.SourceName(), kind: "duckduckgo", lang: langOf(kl), locale: kl, expand: spec.Expand, f: f,
		build: withQuery(u, fixed, "q"), parse: ParseDuckDuckGo, accept: "application/json, */*;q=0.1"}, nil
}

// NewAmazon returns Amazon's search suggestion source. Options: mid (a marketplace id) or country (us, uk,
// de, ...; default us), alias (default aps, all departments), limit (default 11).
func NewAmazon(spec crawler.Spec, f getter) (*Source, error) {
	u, err := endpoint(spec, amazonEndpoint)
	if err != nil {
		return nil, err
	}
	country := strings.ToLower(spec.Option("country", "us"))
	mid := spec.Option("mid", AmazonMarketplaces[country])
	if mid == "" {
		return nil, fmt.Errorf("source %s: country %q has no known marketplace: give mid", spec.SourceName(), country)
	}
	fixed := url.Values{"mid": {mid}, "alias": {spec.Option("alias", "aps")}, "limit": {spec.Option("limit", "11")},
		"suggestion-type": {"KEYWORD"}}
	lang := map[string]string{"de": "de", "fr": "fr", "es": "es", "it": "it", "mx": "es", "br": "pt", "nl": "nl"}[country]
	if lang == "" {
		lang = "en"
	}
	return &Source{name: spec.SourceName(), kind: "amazon", lang: lang, locale: country, expand: spec.Expand, f: f,
		build: withQuery(u, fixed, "prefix"), parse: ParseAmazon, accept: "application/json, */*;q=0.1"}, nil
}

// NewWikipedia returns Wikipedia's title suggestions (the official OpenSearch API). Options: lang (the
// wiki, default en), limit (default 10).
func NewWikipedia(spec crawler.Spec, f getter) (*Source, error) {
	lang := strings.ToLower(spec.Option("lang", "en"))
	for _, r := range lang {
		if (r < 'a' || r > 'z') && r != '-' {
			return nil, fmt.Errorf("source %s: lang %q is not a wiki code", spec.SourceName(), lang)
		}
	}
	u, err := endpoint(spec, fmt.Sprintf(wikipediaTemplate, lang))
	if err != nil {
		return nil, err
	}
	fixed := url.Values{"action": {"opensearch"}, "format": {"json"}, "limit": {spec.Option("limit", "10")}}
	return &Source{name: spec.SourceName(), kind: "wikipedia", lang: lang, locale: lang, expand: spec.Expand, f: f,
		build: withQuery(u, fixed, "search"), parse: ParseOpenSearch, accept: "application/json, */*;q=0.1"}, nil
}

func locale(hl, gl string) string {
	if gl == "" {
		return hl
	}
	return hl + "-" + strings.ToUpper(gl)
}

// ParseGoogleChrome reads Google's client=chrome shape: the OpenSearch array whose fifth element holds
// "google:suggestrelevance", one score per suggestion. Scores are ignored when the counts differ.
func ParseGoogleChrome(body []byte) ([]Suggestion, error) {
	sugg, err := ParseOpenSearch(body)
	if err != nil {
		return nil, err
	}
	var top []json.RawMessage
	if json.Unmarshal(bytes.TrimSpace(body), &top) != nil || len(top) < 5 {
		return sugg, nil
	}
	var meta struct {
		Relevance []int `json:"google:suggestrelevance"`
	}
	var items []json.RawMessage
	if json.Unmarshal(top[4], &meta) != nil || json.Unmarshal(top[1], &items) != nil || len(meta.Relevance) != len(items) {
		return sugg, nil
	}
	// Align by the raw items, since ParseOpenSearch skips non-strings.
	j := 0
	for i, it := range items {
		var s string
		if json.Unmarshal(it, &s) != nil || strings.TrimSpace(s) == "" {
			continue
		}
		if j < len(sugg) {
			sugg[j].Relevance = meta.Relevance[i]
		}
		j++
	}
	return sugg, nil
}

// ParseGoogleToolbar reads Google's output=toolbar XML:
// <toplevel><CompleteSuggestion><suggestion data="..."/></CompleteSuggestion>...</toplevel>, in any
// character set the XML declares.
func ParseGoogleToolbar(body []byte) ([]Suggestion, error) {
	var doc struct {
		XMLName     xml.Name `xml:"toplevel"`
		Suggestions []struct {
			Suggestion struct {
				Data string `xml:"data,attr"`
			} `xml:"suggestion"`
		} `xml:"CompleteSuggestion"`
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: not Google toolbar XML: %v", crawler.ErrParse, err)
	}
	out := []Suggestion{}
	for _, s := range doc.Suggestions {
		if t := strings.TrimSpace(s.Suggestion.Data); t != "" {
			out = append(out, Suggestion{Text: t})
		}
	}
	return out, nil
}

// ParseJSONP reads Google's JSONP answers (client=youtube): window.google.ac.h(["q", [["text", 0, [512]],
// ...], {...}]). Completions may be plain strings too.
func ParseJSONP(body []byte) ([]Suggestion, error) {
	b := bytes.TrimSpace(body)
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end <= open {
		return nil, fmt.Errorf("%w: not a JSONP call", crawler.ErrParse)
	}
	var top []json.RawMessage
	if err := json.Unmarshal(b[open+1:end], &top); err != nil || len(top) < 2 {
		return nil, fmt.Errorf("%w: JSONP argument is not a suggestion array", crawler.ErrParse)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(top[1], &items); err != nil {
		return nil, fmt.Errorf("%w: JSONP completions are not an array", crawler.ErrParse)
	}
	out := make([]Suggestion, 0, len(items))
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) != nil {
			var arr []json.RawMessage
			if json.Unmarshal(it, &arr) != nil || len(arr) == 0 || json.Unmarshal(arr[0], &s) != nil {
				continue
			}
		}
		if strings.TrimSpace(s) != "" {
			out = append(out, Suggestion{Text: s})
		}
	}
	return out, nil
}

// ParseDuckDuckGo reads both of DuckDuckGo's shapes: [{"phrase": "..."}, ...], or the OpenSearch array
// (type=list).
func ParseDuckDuckGo(body []byte) ([]Suggestion, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '[' {
		return nil, fmt.Errorf("%w: not a DuckDuckGo suggestion array", crawler.ErrParse)
	}
	var phrases []struct {
		Phrase *string `json:"phrase"`
	}
	if err := json.Unmarshal(b, &phrases); err == nil {
		out := make([]Suggestion, 0, len(phrases))
		for _, p := range phrases {
			if p.Phrase != nil && strings.TrimSpace(*p.Phrase) != "" {
				out = append(out, Suggestion{Text: *p.Phrase})
			}
		}
		return out, nil
	}
	return ParseOpenSearch(body)
}

// ParseAmazon reads Amazon's {"suggestions": [{"value": "...", "type": "KEYWORD"}, ...]}; suggestions of
// other types (widgets, categories) are skipped.
func ParseAmazon(body []byte) ([]Suggestion, error) {
	var doc struct {
		Suggestions *[]struct {
			Value string `json:"value"`
			Type  string `json:"type"`
		} `json:"suggestions"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &doc); err != nil || doc.Suggestions == nil {
		return nil, fmt.Errorf("%w: not an Amazon suggestions object", crawler.ErrParse)
	}
	out := make([]Suggestion, 0, len(*doc.Suggestions))
	for _, s := range *doc.Suggestions {
		if (s.Type == "" || s.Type == "KEYWORD") && strings.TrimSpace(s.Value) != "" {
			out = append(out, Suggestion{Text: s.Value})
		}
	}
	return out, nil
}
