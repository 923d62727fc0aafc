#!/usr/bin/python3
"""Reference AdaBoost runs for src/methods/transfer/adaboost.ts (scikit-learn's AdaBoostClassifier
with depth-1 decision trees, SAMME and SAMME.R).

Run with Debian's Python (python3-sklearn; 1.2.1 in Debian 12 still has SAMME.R):

    /usr/bin/python3 scripts/gen-transfer-fixtures.py tests/fixtures/transfer

Each case names its (train, test) data set and stores the options, every fitted stump (feature, threshold, leaf
class weights), the estimator weights and errors, and the staged decision function on a test set
after every learner. Trees see float32 features (scikit-learn's tree dtype), so the data are
written as the float32 values they become.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier

OUT = sys.argv[1] if len(sys.argv) > 1 else 'tests/fixtures/transfer'


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


DATASETS = []


def dataset(X, y, X_test, y_test):
    """Index of this (train, test) data in DATASETS, added when new: cases share their data."""
    d = {'x': X.tolist(), 'y': [int(v) for v in y], 'xTest': X_test.tolist(), 'yTest': [int(v) for v in y_test]}
    if d not in DATASETS:
        DATASETS.append(d)
    return DATASETS.index(d)


def run_case(name, X, y, X_test, y_test, algorithm, n_estimators, learning_rate=1.0, sample_weight=None):
    X = f32(X)
    X_test = f32(X_test)
    clf = AdaBoostClassifier(
        estimator=DecisionTreeClassifier(max_depth=1),
        n_estimators=n_estimators,
        learning_rate=learning_rate,
        algorithm=algorithm,
        random_state=0,
    )
    clf.fit(X, y, sample_weight=sample_weight)
    stumps = []
    for est in clf.estimators_:
        t = est.tree_
        if t.node_count == 1:
            stumps.append({'feature': -1, 'threshold': 0.0, 'left': t.value[0, 0].tolist(), 'right': t.value[0, 0].tolist()})
        else:
            stumps.append({
                'feature': int(t.feature[0]),
                'threshold': float(t.threshold[0]),
                'left': t.value[t.children_left[0], 0].tolist(),
                'right': t.value[t.children_right[0], 0].tolist(),
            })
    k = len(clf.estimators_)
    staged = [d.tolist() for d in clf.staged_decision_function(X_test)]
    return {
        'name': name,
        'algorithm': algorithm,
        'nEstimators': n_estimators,
        'learningRate': learning_rate,
        'data': dataset(X, y, X_test, y_test),
        'sampleWeight': None if sample_weight is None else [float(w) for w in sample_weight],
        'classes': [int(c) for c in clf.classes_],
        'stumps': stumps,
        'weights': clf.estimator_weights_[:k].tolist(),
        'errors': clf.estimator_errors_[:k].tolist(),
        'staged': staged,
        'predictTest': [int(v) for v in clf.predict(X_test)],
    }


def main():
    cases = []
    # Hand case (worked in adaboost.test.ts): on feature 0, thresholds 2.5 and 4.5 tie on Gini and
    # the first wins; feature 1 orders the classes alternately (a worse split everywhere).
    hx = [[1, 0.3], [2, 0.1], [3, 0.2], [4, 0.5], [5, 0.4], [6, 0.6]]
    hy = [0, 0, 1, 0, 1, 1]
    for alg in ('SAMME', 'SAMME.R'):
        cases.append(run_case(f'hand-{alg}', hx, hy, hx, hy, alg, 5))

    # Binary: 8 features, 4 informative.
    X, y = make_classification(n_samples=160, n_features=8, n_informative=4, n_redundant=2, random_state=0)
    for alg in ('SAMME', 'SAMME.R'):
        cases.append(run_case(f'binary-{alg}', X[:100], y[:100], X[100:], y[100:], alg, 40))
    cases.append(run_case('binary-SAMME.R-lr0.5', X[:100], y[:100], X[100:], y[100:], 'SAMME.R', 25, learning_rate=0.5))
    cases.append(run_case('binary-SAMME-lr0.3', X[:100], y[:100], X[100:], y[100:], 'SAMME', 25, learning_rate=0.3))

    # Binary with labels 3 and 7 and sample weights.
    rng = np.random.RandomState(1)
    w = rng.uniform(0.2, 3.0, size=100)
    y37 = np.where(y[:100] == 1, 7, 3)
    for alg in ('SAMME', 'SAMME.R'):
        cases.append(run_case(f'weighted-{alg}', X[:100], y37, X[100:], np.where(y[100:] == 1, 7, 3), alg, 30, sample_weight=w))

    # Three and four classes.
    X3, y3 = make_classification(n_samples=180, n_features=6, n_informative=4, n_redundant=0, n_classes=3,
                                 n_clusters_per_class=1, random_state=3)
    for alg in ('SAMME', 'SAMME.R'):
        cases.append(run_case(f'three-{alg}', X3[:120], y3[:120], X3[120:150], y3[120:150], alg, 40))
    X4, y4 = make_classification(n_samples=150, n_features=10, n_informative=6, n_classes=4, random_state=7)
    for alg in ('SAMME', 'SAMME.R'):
        cases.append(run_case(f'four-{alg}', X4[:100], y4[:100], X4[100:130], y4[100:130], alg, 30))

    # Coarse values: many exact ties within a feature and values closer than 1e-7 (merged).
    Xc = np.round(X[:, :4] * 2) / 2
    Xc[::7, 0] += 5e-8
    for alg in ('SAMME', 'SAMME.R'):
        cases.append(run_case(f'ties-{alg}', Xc[:100], y[:100], Xc[100:], y[100:], alg, 20))

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'adaboost.json'), 'w') as f:
        json.dump({'sklearn': sklearn.__version__, 'datasets': DATASETS, 'cases': cases}, f, separators=(',', ':'))
    print(f'sklearn {sklearn.__version__}: {len(cases)} cases, ' + ', '.join(f"{c['name']}:{len(c['stumps'])}" for c in cases))


if __name__ == '__main__':
    main()
