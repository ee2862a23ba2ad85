package report

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// MaxTopicLinks bounds the sightings a topic's brief links.
const MaxTopicLinks = 8

// briefs fills each topic's brief from its gaps (rep.Gaps, highest demand first): the page they come
// closest to and why it falls short, and their evidence with links to where they were seen.
func briefs(rep *Report) {
	members := map[string][]int{} // topic key: indices of its gaps, highest demand first
	for i, g := range rep.Gaps {
		if g.Topic != "" {
			members[g.Topic] = append(members[g.Topic], i)
		}
	}
	for i := range rep.Topics {
		t := &rep.Topics[i]
		gaps := members[t.Key]
		if len(gaps) == 0 {
			continue
		}
		t.Closest = closest(rep.Gaps, gaps)
		t.Evidence = topicEvidence(rep.Gaps, gaps)
	}
}

// closest is the page most of the given gaps come closest to (the most demanded first on a tie), with
// the reason given for the most demanded of them; nil when none comes close to a page.
func closest(all []Request, gaps []int) *ClosestPage {
	count := map[string]int{}
	var order []string
	for _, i := range gaps {
		u := all[i].URL
		if u == "" {
			continue
		}
		if count[u] == 0 {
			order = append(order, u)
		}
		count[u]++
	}
	if len(order) == 0 {
		return nil
	}
	best := order[0]
	for _, u := range order[1:] {
		if count[u] > count[best] {
			best = u
		}
	}
	for _, i := range gaps {
		if g := all[i]; g.URL == best {
			return &ClosestPage{URL: best, Title: g.PageTitle, Type: g.PageType, Gaps: count[best], Reason: g.Reason}
		}
	}
	return nil
}

// topicEvidence sums the given gaps' evidence and links their sightings.
func topicEvidence(all []Request, gaps []int) *TopicEvidence {
	ev := &TopicEvidence{Sources: []string{}, Links: []EvidenceLink{}}
	seen := map[string]bool{}
	for _, i := range gaps {
		g := all[i]
		e := g.Evidence
		ev.Sightings += e.Sightings
		ev.Suggestions += e.Suggestions
		ev.Questions += e.Questions
		ev.Votes += e.Votes
		ev.Views += e.Views
		ev.Unanswered += e.Unanswered
		for _, s := range e.Sources {
			if !slices.Contains(ev.Sources, s) {
				ev.Sources = append(ev.Sources, s)
			}
		}
	}
	// Links: every sighting of the gaps forums ask, then one sighting of each other gap, then the rest.
	for pass := range 3 {
		for _, i := range gaps {
			g := all[i]
			if asked := g.Evidence.Questions > 0; (pass == 0) != asked {
				continue
			}
			for j, x := range g.Examples {
				if pass == 1 && j > 0 || pass == 2 && j == 0 {
					continue
				}
				if u := Href(x.URL); u != "" && !seen[u] && len(ev.Links) < MaxTopicLinks {
					seen[u] = true
					ev.Links = append(ev.Links, EvidenceLink{Text: g.Text, Source: x.Source, URL: u})
				}
			}
		}
	}
	slices.Sort(ev.Sources)
	return ev
}

// Anchor is the HTML id of a report element for a key (a topic's, a request's): prefix, the key's
// letters and digits in lower case joined by hyphens, and a hash of the whole key so that two keys never
// share an id. It is the same for the same key in every report, and safe as an id and in a URL fragment.
func Anchor(prefix, key string) string {
	var b strings.Builder
	b.WriteString(prefix)
	sep := true
	n := 0
	for _, r := range strings.ToLower(key) {
		if n >= 40 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if sep {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			sep = false
			n++
		} else {
			sep = true
		}
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	fmt.Fprintf(&b, "-%08x", h.Sum32())
	return b.String()
}
