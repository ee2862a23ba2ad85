package intent

import (
	"slices"

	"github.com/heed-dev/heed"
)

// ruleWeights are the transparent rules: each feature is evidence of an intent, with a weight set by
// hand from what the feature means (in the spirit of the ORCAS-I authors' weak labeller). Alone, they are
// the rule-based classifier; the model learns its own weights over the same features and the rules'
// verdicts.
var ruleWeights = map[string]struct {
	intent heed.Intent
	weight float64
}{
	// Navigational: an address, a known site or brand, a place on a site, an institution's name.
	"url:www":                 {heed.Navigational, 4},
	"url:domain":              {heed.Navigational, 4},
	"site:all:curated":        {heed.Navigational, 3.5},
	"site:all:top":            {heed.Navigational, 3},
	"site:all:icons":          {heed.Navigational, 2},
	"site:all-common-word":    {heed.Navigational, 1},
	"own-brand:all":           {heed.Navigational, 3.5},
	"site+siteword":           {heed.Navigational, 3},
	"site:split":              {heed.Navigational, 2.5},
	"site:misspelt":           {heed.Navigational, 1.2},
	"siteword:login":          {heed.Navigational, 2},
	"siteword:log in":         {heed.Navigational, 2},
	"siteword:logon":          {heed.Navigational, 2},
	"siteword:sign in":        {heed.Navigational, 2},
	"siteword:signin":         {heed.Navigational, 2},
	"siteword:portal":         {heed.Navigational, 1.5},
	"siteword:webmail":        {heed.Navigational, 2},
	"siteword:my account":     {heed.Navigational, 1.5},
	"siteword:homepage":       {heed.Navigational, 2},
	"siteword:official site":  {heed.Navigational, 2},
	"siteword:website":        {heed.Navigational, 1.5},
	"siteword:online banking": {heed.Navigational, 2},
	"siteword:store locator":  {heed.Navigational, 1.5},
	"org:x-of":                {heed.Navigational, 1.2},
	"site:part-short":         {heed.Navigational, 1.2},
	"site:in-address":         {heed.Navigational, 3},
	"url:path":                {heed.Navigational, 3},
	"site:joined":             {heed.Navigational, 2.5},
	"place+gov":               {heed.Navigational, 1.5},
	"org:short":               {heed.Navigational, 0.8},
	// Transactional: get a file, use a tool, pay, watch or listen, buy now, go to a shop.
	"siteword:near me":    {heed.Transactional, 1.5},
	"trans:download":      {heed.Transactional, 3},
	"trans:free download": {heed.Transactional, 1},
	"trans:apk":           {heed.Transactional, 3},
	"trans:install":       {heed.Transactional, 2},
	"trans:calculator":    {heed.Transactional, 2},
	"trans:converter":     {heed.Transactional, 2},
	"trans:translator":    {heed.Transactional, 1.5},
	"trans:generator":     {heed.Transactional, 1.5},
	"trans:maker":         {heed.Transactional, 1.5},
	"trans:editor":        {heed.Transactional, 1},
	"trans:online":        {heed.Transactional, 1.2},
	"trans:free":          {heed.Transactional, 1.2},
	"trans:watch":         {heed.Transactional, 1.5},
	"trans:stream":        {heed.Transactional, 1},
	"trans:listen":        {heed.Transactional, 1.5},
	"trans:pay":           {heed.Transactional, 1.5},
	"trans:buy":           {heed.Transactional, 2.5},
	"trans:purchase":      {heed.Transactional, 2.5},
	"trans:order":         {heed.Transactional, 1.5},
	"trans:tickets":       {heed.Transactional, 1.5},
	"trans:sign up":       {heed.Transactional, 1.5},
	"trans:subscribe":     {heed.Transactional, 1.5},
	"trans:full movie":    {heed.Transactional, 2},
	// Commercial: weighing options before buying.
	"comm:best":         {heed.Commercial, 2},
	"comm:top":          {heed.Commercial, 1.2},
	"comm:review":       {heed.Commercial, 2},
	"comm:reviews":      {heed.Commercial, 2},
	"comm:vs":           {heed.Commercial, 2},
	"comm:versus":       {heed.Commercial, 2},
	"comm:compare":      {heed.Commercial, 2},
	"comm:comparison":   {heed.Commercial, 2},
	"comm:cheap":        {heed.Commercial, 2},
	"comm:cheapest":     {heed.Commercial, 2},
	"comm:price":        {heed.Commercial, 1.2},
	"comm:prices":       {heed.Commercial, 1.2},
	"comm:deals":        {heed.Commercial, 1.5},
	"comm:coupon":       {heed.Commercial, 2},
	"comm:coupons":      {heed.Commercial, 2},
	"comm:coupon code":  {heed.Commercial, 1},
	"comm:promo code":   {heed.Commercial, 2},
	"comm:discount":     {heed.Commercial, 1.5},
	"comm:for sale":     {heed.Commercial, 2},
	"comm:alternatives": {heed.Commercial, 2},
	"comm:worth it":     {heed.Commercial, 2},
	// Informational: a question, or words that ask for knowledge.
	"first:how":             {heed.Informational, 2},
	"first:what":            {heed.Informational, 2},
	"first:why":             {heed.Informational, 2},
	"first:who":             {heed.Informational, 2},
	"first:when":            {heed.Informational, 2},
	"first:where":           {heed.Informational, 1.5},
	"first:which":           {heed.Informational, 1.5},
	"first:is":              {heed.Informational, 1.5},
	"first:are":             {heed.Informational, 1.5},
	"first:can":             {heed.Informational, 1.5},
	"first:does":            {heed.Informational, 1.5},
	"first:do":              {heed.Informational, 1.5},
	"info:meaning":          {heed.Informational, 2},
	"info:definition":       {heed.Informational, 2},
	"info:symptoms":         {heed.Informational, 2},
	"info:causes":           {heed.Informational, 2},
	"info:side effects":     {heed.Informational, 2},
	"info:recipe":           {heed.Informational, 2},
	"info:list of":          {heed.Informational, 1.5},
	"info:facts":            {heed.Informational, 1.5},
	"info:history":          {heed.Informational, 1},
	"info:population":       {heed.Informational, 2},
	"info:synonym":          {heed.Informational, 2},
	"info:synonyms":         {heed.Informational, 2},
	"info:types of":         {heed.Informational, 1.5},
	"info:benefits":         {heed.Informational, 1.5},
	"info:examples":         {heed.Informational, 1},
	"info:how much":         {heed.Informational, 1},
	"info:how many":         {heed.Informational, 1},
	"qtype:how_to":          {heed.Informational, 1},
	"qtype:troubleshooting": {heed.Informational, 1},
	"qtype:definition":      {heed.Informational, 1},
	"qtype:reason":          {heed.Informational, 1},
	"qtype:number":          {heed.Informational, 1},
	"qtype:time":            {heed.Informational, 1},
	"qtype:person":          {heed.Informational, 1},
	"qtype:place":           {heed.Informational, 0.5},
	"qtype:yes_no":          {heed.Informational, 0.5},
}

// rulePrior is the weight informational gets with no evidence: most requests ask for information.
const rulePrior = 1.0

// ruleScores applies the rules to a request's features: the weight each intent received, and the rules
// that fired, strongest first.
func ruleScores(fs []Feature) ([4]float64, []string) {
	var s [4]float64
	s[intentIndex(heed.Informational)] = rulePrior
	type fired struct {
		name string
		w    float64
	}
	var why []fired
	for _, f := range fs {
		if r, ok := ruleWeights[f.Name]; ok {
			s[intentIndex(r.intent)] += r.weight * f.Value
			why = append(why, fired{"rule " + f.Name + " → " + string(r.intent), r.weight})
		}
	}
	slices.SortStableFunc(why, func(a, b fired) int {
		switch {
		case a.w > b.w:
			return -1
		case a.w < b.w:
			return 1
		}
		return 0
	})
	names := make([]string, len(why))
	for i, f := range why {
		names[i] = f.name
	}
	return s, names
}
