"""Held-out quality of the scikit-learn intent peer (../shared/bench/peer_classify.py) on ORCAS-I dev.

The peer trains on the ORCAS-I development labels, so scoring it on them would score its memory. This runs
the same pipeline (TF-IDF over word 1-2 grams and character 2-4 grams, vocabulary fitted on the training
queries and CLINC150 training utterances, logistic regression) under 5-fold stratified cross-validation:
every query is labelled by a model that never saw it. Writes one JSON object a line, in the file's order:
{"text": query, "intent": label}. Nothing of ORCAS-I is kept: the output goes where the caller says.
  peer_intent_cv.py SHARED_DATA OUTPUT"""
import json, sys
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sd, out_path = sys.argv[1], sys.argv[2]
rows = [l.rstrip('\n').split('\t') for l in open(sd + '/orcas-i/dev.tsv')][1:]
lvl = {'Navigational': 'navigational', 'Transactional': 'transactional'}
texts = [r[1] for r in rows]
labels = [lvl.get(r[4], 'informational') for r in rows]
clinc = [t for t, _ in json.load(open(sd + '/clinc150/dev.json'))['train']]
pred = [None] * len(rows)
for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=7).split(texts, labels):
    vocab = [texts[i] for i in train] + clinc
    w = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(vocab)
    c = TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 4), sublinear_tf=True).fit(vocab)
    feats = lambda xs: hstack([w.transform(xs), c.transform(xs)]).tocsr()
    clf = LogisticRegression(max_iter=1000).fit(feats([texts[i] for i in train]), [labels[i] for i in train])
    for i, p in zip(test, clf.predict(feats([texts[i] for i in test]))):
        pred[i] = p
with open(out_path, 'w') as out:
    for t, p in zip(texts, pred):
        out.write(json.dumps({'text': t, 'intent': p}) + '\n')
