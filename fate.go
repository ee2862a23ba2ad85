package heed

// Fate is where a request of a run ends up: answered, an open gap, a service issue, or dismissed by the
// content team ("won't answer"). Every request has exactly one.
type Fate string

// The fates.
const (
	FateAnswered  Fate = "answered"
	FateGap       Fate = "gap"
	FateService   Fate = "service_issue"
	FateDismissed Fate = "dismissed"
)

// Case is one request of a run as triage decides it: the request, its class and match, and its demand
// in; its fate, and the service issue or gap topic it belongs to, out. Triage also applies the content
// team's overrides to Match.
type Case struct {
	Key    string
	Text   string
	Class  Classification
	Match  Match
	Demand float64

	Fate    Fate
	Service string // why it is a service issue
	// ServiceKind is what failed, for a service issue: one of ServiceKinds.
	ServiceKind string
	Topic       string // the key of its gap topic
	// Vector is what the request means, for a gap's topic (with an encoder; empty otherwise), kept in a
	// byte a component.
	Vector Vector8
}

// Heard is what a run keeps of one request's sightings once they are read: the evidence of demand and
// its score, the first few sightings (examples for the report) and the forum threads that ask it (to
// reply with a page). A big night has a million sightings; the run holds this digest instead.
type Heard struct {
	Evidence Evidence
	Demand   float64
	Examples []Example
	Threads  []string
}

// Example is where one sighting was made, as a report shows it.
type Example struct {
	Source    string `json:"source"` // the source's name
	URL       string `json:"url"`
	Seed      string `json:"seed,omitempty"`
	Expansion string `json:"expansion,omitempty"`
	Position  int    `json:"position,omitempty"`
}

// ExampleOf is where s was made.
func ExampleOf(s Sighting) Example {
	return Example{Source: s.Name(), URL: s.URL, Seed: s.Seed, Expansion: s.Expansion, Position: s.Position}
}

// Coverage counts a group of requests (an intent, a source) and how many are answered or gaps.
type Coverage struct {
	Requests int `json:"requests"`
	Answered int `json:"answered"`
	Gaps     int `json:"gaps"`
}

// Ratio is answered over requests, 0 for an empty group.
func (c Coverage) Ratio() float64 {
	if c.Requests == 0 {
		return 0
	}
	return float64(c.Answered) / float64(c.Requests)
}

// ServiceKinds are what a service issue says failed: billing (charges, refunds, cards), delivery
// (orders, shipping), defect (the product broke or does not work), account access (logging in,
// passwords), support (no answer from the organisation), and other (grouped into topics by meaning).
var ServiceKinds = []string{"billing", "delivery", "defect", "account_access", "support", "other"}
