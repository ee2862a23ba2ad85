package review

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>heed review{{if .R}}: {{.R.Organisation}}{{end}}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header, main { padding: 1rem 1.5rem; } header { background: #1d2330; color: #fff; }
header a { color: #cfe0ff; } h1 { margin: 0 0 .3rem; font-size: 1.4rem; }
.figures { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.fig { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: .6rem .9rem; min-width: 8rem; }
.fig .n { display: block; font-size: 1.6rem; font-weight: 700; } .fig .l { color: #555; font-size: .85rem; }
section { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: .8rem 1rem; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eef0f3; vertical-align: top; }
.why, .url, .muted { color: #667; font-size: .85rem; } .scroll { overflow-x: auto; }
form.inline { display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; margin: .2rem 0; }
select, input, button { font: inherit; } button { cursor: pointer; }
.ok { background: #e6f4ea; border-color: #b7dfc3; } .warn { background: #fff4e5; border-color: #f3d19e; }
td, a { overflow-wrap: anywhere; }
@media (max-width: 640px) { header, main { padding: .7rem; } td form.inline { flex-direction: column; align-items: stretch; }
  table, tbody, tr, td { display: block; width: 100%; } thead { display: none; }
  tr { border-bottom: 1px solid #e3e6ea; padding: .4rem 0; } td { border: 0; padding: .15rem .3rem; }
  td[data-label]::before { content: attr(data-label); display: block; font-size: .75rem; text-transform: uppercase; color: #667; }
  input[size] { width: 100%; } }
@media print { form, .tools { display: none; } }
</style>
</head>
<body>
<header>
  <h1>Gap review{{if .R}}{{if .R.Organisation}}: {{.R.Organisation}}{{end}}{{end}}</h1>
  {{if .R}}<div>Run {{.R.Run.ID}} of {{.R.Run.Job}}, finished {{day .R.Run.Finished}}.
  {{if .CanWrite}}You can change decisions; they apply from the next run.{{else if .AuthOn}}Read-only. <a href="/review/login">Sign in</a> to pin requests or mark them “won't answer”.{{else}}Read-only: no review credentials are configured.{{end}}</div>{{end}}
</header>
<main>
{{if not .R}}<section class="warn"><p>No report yet: the review pages show the last run's gaps once a run has written its report.</p></section>{{else}}
{{if .Saved}}<section class="ok" role="status">Decision saved. The next run applies it.</section>{{end}}
{{if .CanWrite}}<datalist id="pages">{{range .Pages}}<option value="{{.URL}}">{{.Title}}</option>{{end}}</datalist>{{end}}
<div class="figures" aria-label="Headline figures">
  <div class="fig" data-figure="requests"><span class="n">{{.R.Summary.Requests}}</span><span class="l">requests heard</span></div>
  <div class="fig" data-figure="coverage"><span class="n">{{pct .R.Summary.Coverage}}</span><span class="l">answered by a page</span></div>
  <div class="fig" data-figure="gaps"><span class="n">{{.R.Summary.Gaps}}</span><span class="l">open gaps</span></div>
  <div class="fig" data-figure="topics"><span class="n">{{.R.Summary.Topics}}</span><span class="l">gap topics</span></div>
  <div class="fig" data-figure="decisions"><span class="n">{{len .Decisions}}</span><span class="l">decisions kept</span></div>
</div>

<section class="tools">
  <form method="get" action="/review/" class="inline" role="search">
    <label>Filter <input type="search" name="q" value="{{.Q}}" placeholder="words, page, intent…"></label>
    <label>Kind <select name="kind"><option value="">all</option>{{range .Kinds}}<option value="{{.}}"{{if eq (print .) $.Kind}} selected{{end}}>{{.}}</option>{{end}}</select></label>
    <button type="submit">Filter</button> {{if or .Q .Kind}}<a href="/review/">clear</a>{{end}}
  </form>
  <p class="muted" id="shown" data-shown="{{.ShownGaps}}">{{.ShownGaps}} of {{.TotalGaps}} gaps and {{len .Topics}} of {{.TotalTopic}} topics shown.</p>
</section>

<section id="topics"><h2>Gap topics</h2>
<div class="scroll"><table id="topics-table"><thead><tr><th>Topic</th><th>Requests</th><th>Demand</th>{{if .CanWrite}}<th>Decide</th>{{end}}</tr></thead><tbody>
{{range .Topics}}<tr id="{{anchor "topic" .Key}}">
  <td data-label="Topic">{{.Label}}<div class="url">key: {{.Key}} · suggested {{.PageType}} page: {{.Title}}</div></td>
  <td data-label="Requests">{{len .Requests}}<div class="why">{{join (first 5 .Texts) "; "}}{{if gt (len .Texts) 5}} …{{end}}</div></td>
  <td data-label="Demand">{{num .Demand}}</td>
  {{if $.CanWrite}}<td data-label="Decide">{{template "decide" (decideFor "topic" .Key $)}}</td>{{end}}
</tr>{{else}}<tr><td colspan="4">No gap topics{{if $.Q}} match{{end}}.</td></tr>{{end}}
</tbody></table></div></section>

<section id="gaps"><h2>Gaps</h2>
<div class="scroll"><table id="gaps-table"><thead><tr><th>Request</th><th>Kind</th><th>Closest page</th><th>Demand</th>{{if .CanWrite}}<th>Decide</th>{{end}}</tr></thead><tbody>
{{range .Gaps}}<tr>
  <td data-label="Request">{{.Text}}<div class="why">{{.Reason}}</div>{{$topic := .Topic}}{{with $.TopicLabel $topic}}<div class="url">topic: <a href="#{{anchor "topic" $topic}}">{{.}}</a></div>{{end}}</td>
  <td data-label="Kind">{{.GapKind}}</td>
  <td data-label="Closest page">{{with href .URL}}<a href="{{.}}" rel="noopener noreferrer nofollow">{{end}}{{if .PageTitle}}{{.PageTitle}}{{else}}{{.URL}}{{end}}{{if href .URL}}</a>{{end}}</td>
  <td data-label="Demand">{{num .Demand}}</td>
  {{if $.CanWrite}}<td data-label="Decide">{{template "decide" (decideFor "request" .Key $)}}</td>{{end}}
</tr>{{else}}<tr><td colspan="5">No gaps{{if $.Q}} match{{end}}.</td></tr>{{end}}
</tbody></table></div></section>

<section id="answered"><h2>Answered</h2>
<div class="scroll"><table id="answered-table"><thead><tr><th>Request</th><th>Page</th><th>Score</th>{{if .CanWrite}}<th>Decide</th>{{end}}</tr></thead><tbody>
{{range .Answered}}<tr>
  <td data-label="Request">{{.Text}}{{if .Override}}<div class="why">{{.Override}} (content team)</div>{{end}}</td>
  <td data-label="Page">{{with href .URL}}<a href="{{.}}" rel="noopener noreferrer nofollow">{{end}}{{if .PageTitle}}{{.PageTitle}}{{else}}{{.URL}}{{end}}{{if href .URL}}</a>{{end}}</td>
  <td data-label="Score">{{num .Score}}</td>
  {{if $.CanWrite}}<td data-label="Decide">{{template "decide" (decideFor "request" .Key $)}}</td>{{end}}
</tr>{{else}}<tr><td colspan="4">No answered requests{{if $.Q}} match{{end}}.</td></tr>{{end}}
</tbody></table></div></section>

<section id="decisions"><h2>Decisions kept</h2>
<div class="scroll"><table id="decisions-table"><thead><tr><th>What</th><th>Decision</th><th>Note</th>{{if .CanWrite}}<th></th>{{end}}</tr></thead><tbody>
{{range .Decisions}}<tr>
  <td data-label="What">{{.Scope}}: {{.Key}}</td><td data-label="Decision">{{.Action}}{{if .URL}} → {{.URL}}{{end}}<div class="why">{{.By}} {{day .Created}}</div></td><td data-label="Note">{{.Note}}</td>
  {{if $.CanWrite}}<td><form method="post" action="/review/decide" class="inline"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="scope" value="{{.Scope}}"><input type="hidden" name="key" value="{{.Key}}"><input type="hidden" name="action" value="remove"><button type="submit">Remove</button></form></td>{{end}}
</tr>{{else}}<tr><td colspan="4">No decisions yet.</td></tr>{{end}}
</tbody></table></div></section>
{{end}}
</main>
</body>
</html>
{{define "decide"}}<form method="post" action="/review/decide" class="inline">
  <input type="hidden" name="csrf" value="{{.CSRF}}"><input type="hidden" name="scope" value="{{.Scope}}"><input type="hidden" name="key" value="{{.Key}}">
  <input name="url" list="pages" placeholder="page url, to pin" aria-label="page url" size="28">
  <button type="submit" name="action" value="pin">Pin to page</button>
  <button type="submit" name="action" value="wont_answer">Won't answer</button>
</form>{{end}}`
