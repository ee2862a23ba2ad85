package intent

import "strings"

// QuestionFeatures are the features a question-type model reads: the question's first words (which carry
// most of its type: "how many", "who", "what city"), the word after a question word, and every word and
// pair of words.
func QuestionFeatures(text string) []Feature {
	w := words(strings.ToLower(text))
	fs := []Feature{{Name: "bias", Value: 1}}
	add := func(name string) { fs = append(fs, Feature{Name: name, Value: 1}) }
	if len(w) == 0 {
		return fs
	}
	add("w1:" + w[0])
	if len(w) > 1 {
		add("w12:" + w[0] + " " + w[1])
	}
	if len(w) > 2 {
		add("w123:" + w[0] + " " + w[1] + " " + w[2])
	}
	for i, x := range w {
		add("w:" + x)
		if i+1 < len(w) {
			add("bi:" + x + " " + w[i+1])
		}
		if whWords[x] && i+1 < len(w) {
			add("wh+:" + x + " " + w[i+1])
			if i+2 < len(w) {
				add("wh++:" + x + " " + w[i+2])
			}
		}
	}
	if qt, _ := questionType(w); qt != "" {
		add("rule-qtype:" + string(qt))
	}
	return fs
}
