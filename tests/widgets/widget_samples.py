"""Sample data shared by the component tests."""

QUIZ = {
    "title": "Clusters and cluster organisations",
    "questions": [
        {
            "id": "q1",
            "prompt": "Which of these is the cluster itself?",
            "options": ["The cluster organisation", "The firms and institutions linked in one place", "The board"],
            "answer": 1,
            "explanations": [
                "The organisation is one actor of the cluster, not the cluster.",
                "A cluster is the whole set of linked firms and institutions in a place.",
                "The board steers the organisation; it is not the cluster.",
            ],
        },
        {
            "id": "q2",
            "prompt": "Match each idea to its author.",
            "pairs": {"industrial district": "Marshall", "cluster": "Porter", "Italian district": "Becattini"},
            "explanation": "Marshall described districts in 1890; Becattini revived the idea; Porter named clusters.",
        },
    ],
}
