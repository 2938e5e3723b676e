"""Forty searches in a recruiter's own words over the seed bank, each with the questions that
truly answer it, judged by reading the questions before the search was tuned.

Four kinds, ten each: paraphrases with little word overlap, abbreviations and trade jargon,
whole sentences, and typos mixed with paraphrase. A search passes when a right question is
among its first `TOP_K` results. `tests/search/test_search_quality.py` holds the search to at least
90% of them; the README reports the figure.
"""

TOP_K = 5

S1 = "can-you-describe-a-strategic-initiative-you-implemented-in"
S2 = "how-do-you-ensure-that-the-strategic-planning-in-your-area"
S3 = "discuss-a-time-when-a-strategic-plan-you-developed-failed"
S5 = "describe-your-process-for-prioritizing-strategic-projects"
S6 = "in-the-context-of-e-commerce-how-do-you-align-technology"
S7 = "tell-us-about-a-time-when-strategic-changes-you"
S8 = "how-do-you-stay-informed-about-emerging-trends-in-e"
S9 = "what-are-the-key-performance-indicators-kpis-you-consider"
P1 = "describe-a-project-you-managed-where-you-had-to-coordinate"
P2 = "in-a-scenario-where-your-e-commerce-platform-experiences-a"
P3 = "how-would-you-integrate-project-management-methodologies"
P4 = "what-metrics-would-you-prioritize-to-evaluate-the-success"
P7 = "discuss-a-time-when-you-had-to-negotiate-project-scope"
P8 = "in-what-ways-do-supply-chain-management-principles"
P9 = "how-do-you-ensure-that-project-management-practices-align"
D2 = "how-would-you-go-about-forecasting-demand-for-a-new"
D3 = "what-data-points-would-you-analyze-to-optimize-our-e"
D4 = "describe-a-scenario-where-you-had-to-clean-and-prepare"
D5 = "how-do-you-handle-and-analyze-unstructured-data-that-is"
D6 = "if-you-identify-disparities-in-the-data-during-your"
D7 = "what-methods-would-you-utilize-to-analyze-customer"
D9 = "describe-a-complex-data-modeling-challenge-you-faced-in"
D10 = "how-would-you-use-data-analysis-to-improve-inventory"
T1 = "describe-a-situation-where-you-had-to-integrate-a-new"
T2 = "how-do-you-stay-updated-with-the-latest-e-commerce-trends"
T5 = "describe-your-process-for-managing-cybersecurity-risks-in"
T6 = "walk-me-through-how-you-would-handle-a-situation-where-the"
T10 = "what-strategies-would-you-implement-to-ensure-the"
C2 = "how-would-you-handle-a-scenario-where-a-customer-is"
C3 = "explain-how-you-would-apply-data-analytics-to-enhance"
C4 = "what-strategies-would-you-use-to-manage-and-improve-a"
C5 = "how-do-you-prioritize-and-manage-customer-service-tickets"
C7 = "in-what-ways-have-you-leveraged-customer-feedback-to"
C8 = "can-you-describe-how-you-measure-the-success-of-your"
C9 = "discuss-a-challenge-youve-faced-in-aligning-the-customer"
C10 = "how-do-you-ensure-that-your-customer-service-strategies"
L1 = "describe-a-situation-when-you-had-to-lead-your-e-commerce"
L2 = "how-do-you-assess-and-distribute-workloads-among-your-team"
L3 = "in-the-context-of-remote-or-hybrid-work-environments-what"
L4 = "can-you-discuss-a-time-when-you-had-to-handle-conflict"
L5 = "imagine-you-are-implementing-a-new-e-commerce-platform-or"
L6 = "how-do-you-measure-the-performance-of-your-e-commerce"
L7 = "what-methods-do-you-use-to-motivate-your-team-and-foster-a"
L8 = "describe-how-you-would-handle-a-significant-operational"
L10 = "how-do-you-stay-informed-of-the-latest-trends-and"

PARAPHRASE, JARGON, SENTENCE, TYPO = "paraphrase", "abbreviation or jargon", "sentence", "typo"

# (kind, query, slugs of the questions that answer it)
JUDGED_QUERIES: list[tuple[str, str, set[str]]] = [
    (PARAPHRASE, "shoppers abandoning their carts", {D3}),
    (PARAPHRASE, "predicting how much stock to buy for a new line", {D2, D10}),
    (PARAPHRASE, "buyer hated an order that arrived in perfect condition", {C2}),
    (PARAPHRASE, "keeping staff happy and energised", {L7}),
    (PARAPHRASE, "two people on the team at each other's throats", {L4}),
    (PARAPHRASE, "site went down on Black Friday", {T6, P2, L8}),
    (PARAPHRASE, "which numbers tell you the business is healthy", {S9, L6, P4}),
    (PARAPHRASE, "keeping up with what's new in online retail", {S8, T2, L10}),
    (PARAPHRASE, "splitting work fairly across the team", {L2}),
    (PARAPHRASE, "protecting shoppers' payment details from hackers", {T5}),
    (JARGON, "AOV", {S9, D3, D7, P4}),
    (JARGON, "CLV", {D7}),
    (JARGON, "CSAT", {C8, C7, C3}),
    (JARGON, "NPS score", {C8, C7}),
    (JARGON, "SLA breaches on support tickets", {C5, C8}),
    (JARGON, "SKU stockouts", {D10, D2}),
    (JARGON, "3PL coordination", {P8, C9, P1}),
    (JARGON, "WMS rollout", {T1, L5, D10}),
    (JARGON, "replatforming", {T1, L5, S6}),
    (JARGON, "DDoS", {T5, T6}),
    (SENTENCE, "how would they handle a flood of support emails after a promotion", {C5}),
    (SENTENCE, "tell me how the candidate deals with a plan that did not work out", {S3}),
    (
        SENTENCE,
        "how do you keep the online store working when traffic doubles next year",
        {T10, C10},
    ),
    (SENTENCE, "a time they pushed back on a stakeholder asking for more features", {P7}),
    (SENTENCE, "we need someone who can run a team spread across different time zones", {L3, C4}),
    (SENTENCE, "how do you decide which projects get funded when money is tight", {S5}),
    (SENTENCE, "how they fix numbers that don't add up between two reports", {D6}),
    (SENTENCE, "has the candidate ever reorganised a department and how did staff cope", {S7, L1}),
    (SENTENCE, "bringing marketing, IT and warehouse people together on one project", {P1}),
    (SENTENCE, "what do customers say in free-text reviews and how do you use it", {D5, C7}),
    (TYPO, "custmer retension", {D7}),
    (TYPO, "forcasting sales for a new prodcut", {D2}),
    (TYPO, "conflcit between colleagues", {L4}),
    (TYPO, "websit outage durring a big sale", {T6, P2}),
    (TYPO, "cybersecuirty threats", {T5}),
    (TYPO, "motivatng employes", {L7}),
    (TYPO, "inventroy planning with data", {D10}),
    (TYPO, "agile sprints for the opperations team", {P3}),
    (TYPO, "straegy that faild", {S3}),
    (TYPO, "cleanning messy datsets", {D4}),
]
