/*
 * cmd_eval.c - `wenda eval`: measure answer retrieval, domain questions and
 * segmentation against the baselines (ICU words alone, Xapian's CJK n-grams)
 * in one run, and print the figures as tables or as one JSON document. The
 * work is in tools/eval/; this file reads the options, finds the data and
 * reports progress on stderr.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eval.h"
#include "wenda/buf.h"

#ifndef WENDA_VERSION
#define WENDA_VERSION "0.1.0"
#endif

static const cli_opt eval_opts[] = {
    { "data", 0, 1, "DIR", "evaluation data (default: $WENDA_DATA, else <repo>/../shared/data)" },
    { "only", 0, 1, "PART",
      "run one part: retrieval, domain, segmentation, pairs or confidence (or a,b)" },
    { "json", 0, 1, "[FILE]", "all figures as one JSON document to FILE (none or -: stdout)" },
    { "seeds", 0, 1, "DIR", "corpus of the domain part (default: <repo>/corpus/seeds)" },
    { "qrels", 0, 1, "DIR", "domain judgements dev.tsv, test.tsv (default: <repo>/corpus/qrels)" },
    { "dict", 0, 1, "DIR", "dictionary directory (default: $WENDA_DICT or built-in)" },
    { "tmp", 0, 1, "DIR", "where the temporary indexes go (default: $TMPDIR or /tmp)" },
    { "law", 0, 1, "FILE",
      "the law corpus as JSON Lines (default: $WENDA_LAW_JSONL, else made by "
      "tools/lawcorpus)" },
    { "quiet", 'q', 0, NULL, "no progress notes on stderr" },
    { NULL, 0, 0, NULL, NULL }
};

static void on_note(void *ctx, const char *message)
{
    const char *cmd = ctx;
    cli_diag(cmd, "%s", message);
}

/* `--json` may stand alone (stdout) or take a FILE: a bare --json (last, or
 * followed by another option) becomes --json=- for the option parser. */
static char **fix_json_arg(int argc, char **argv)
{
    char **v = malloc(((size_t)argc + 1) * sizeof *v);
    if (!v)
        return NULL;
    for (int i = 0; i < argc; i++) {
        v[i] = argv[i];
        if (strcmp(argv[i], "--") == 0) {
            for (i++; i < argc; i++)
                v[i] = argv[i];
            break;
        }
        if (strcmp(argv[i], "--json") == 0 &&
            (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1] != '\0')))
            v[i] = (char *)"--json=-";
    }
    v[argc] = NULL;
    return v;
}

static int cmd_eval(const cli_cmd *cmd, int argc, char **argv)
{
    char **args = fix_json_arg(argc, argv);
    if (!args) {
        cli_diag(cmd->name, "out of memory");
        return EXIT_INTERNAL;
    }
    cli_args a;
    int ex = cli_parse(cmd, argc, args, &a);
    if (ex) {
        free(args);
        return ex;
    }
    if (a.help) {
        cli_help(cmd, stdout);
        goto out;
    }
    if (a.npos > 0) {
        ex = cli_usage_error(cmd, "unexpected argument '%s'", a.pos[0]);
        goto out;
    }
    const char *json_to = cli_value(cmd, &a, "json");
    int json_stdout = json_to && (!*json_to || strcmp(json_to, "-") == 0);
    unsigned parts = WD_EVAL_ALL;
    const char *only = cli_value(cmd, &a, "only");
    if (only) {
        parts = wd_eval_parts_from_names(only);
        if (!parts) {
            ex = cli_usage_error(
                cmd, "--only wants retrieval, domain, segmentation, pairs or confidence, not '%s'",
                only);
            goto out;
        }
    }
    const char *data = cli_value(cmd, &a, "data");
    if (!data || !*data)
        data = getenv("WENDA_DATA");
    if (!data || !*data)
        data = WD_SOURCE_DIR "/../shared/data";
    const char *seeds = cli_value(cmd, &a, "seeds");
    const char *qrels = cli_value(cmd, &a, "qrels");
    wd_eval_opts o = { data,
                       seeds && *seeds ? seeds : WD_SOURCE_DIR "/corpus/seeds",
                       qrels && *qrels ? qrels : WD_SOURCE_DIR "/corpus/qrels",
                       cli_value(cmd, &a, "tmp"),
                       parts,
                       cli_flag(cmd, &a, "quiet") ? NULL : on_note,
                       (void *)cmd->name,
                       cli_value(cmd, &a, "law"),
                       WD_SOURCE_DIR "/tools" };
    /* Fail on an unwritable JSON file now, not after minutes of work. */
    FILE *jf = NULL;
    if (json_to && !json_stdout) {
        jf = fopen(json_to, "w");
        if (!jf) {
            wd_error err;
            wd_error_set(&err, WD_EIO, "cli", "%s: cannot write the JSON file", json_to);
            ex = cli_fail(cmd->name, &err, json_stdout);
            goto out;
        }
    }
    wd_dict *dict = NULL;
    ex = cli_load_dict(cmd->name, cli_value(cmd, &a, "dict"), json_stdout, &dict);
    if (ex) {
        if (jf)
            fclose(jf);
        goto out;
    }
    wd_error err;
    wd_error_clear(&err);
    wd_eval_report rep;
    int rc = wd_eval_run(&o, dict, &rep, &err);
    wd_dict_free(dict);
    if (rc != WD_OK) {
        ex = cli_fail(cmd->name, &err, json_stdout);
        if (jf)
            fclose(jf);
        goto out;
    }
    if (json_to) {
        wd_buf b = WD_BUF_INIT;
        if (wd_eval_to_json(&rep, WENDA_VERSION, &b) != WD_OK) {
            wd_buf_free(&b);
            wd_error_set(&err, WD_ENOMEM, "cli", "out of memory");
            ex = cli_fail(cmd->name, &err, json_stdout);
            if (jf)
                fclose(jf);
            goto out;
        }
        FILE *to = jf ? jf : stdout;
        fwrite(b.data, 1, b.len, to);
        fputc('\n', to);
        wd_buf_free(&b);
        if (jf && fclose(jf) != 0) {
            wd_error_set(&err, WD_EIO, "cli", "%s: cannot write the JSON file", json_to);
            ex = cli_fail(cmd->name, &err, 0);
            goto out;
        }
    }
    if (!json_stdout)
        wd_eval_print_table(&rep, stdout);
    int any = rep.retrieval.ran || rep.domain.ran || rep.segmentation.ran || rep.confidence.ran;
    ex = any ? EXIT_OK : EXIT_NEGATIVE;
    if (!any)
        cli_diag(cmd->name, "no evaluation data found under %s; nothing was measured", data);
out:
    cli_args_free(&a);
    free(args);
    return ex;
}

const cli_cmd cli_cmd_eval = {
    "eval",
    "Measure relevance and segmentation against the baselines.",
    "[--data DIR] [--only PART] [--json [FILE]] [--seeds DIR] [--qrels DIR] [-q]",
    "Three parts, each skipped with a note when its data is absent:\n"
    "  retrieval     DATA/insurance-zhidao-faq/Insurance_zhidao_test: index corpus.txt\n"
    "                (3,769 Q&A records) and ask the 100 paraphrased questions of test.txt;\n"
    "                the gold records are those whose answer equals the test answer byte\n"
    "                for byte (any of them counts). R@1, R@3, R@10, MRR@10. A dev split\n"
    "                for tuning is asked against the same index: the same-meaning pairs\n"
    "                of insurance_zhidao_rank/dev.txt with exactly one side a corpus\n"
    "                question (the other side is asked; test questions left out).\n"
    "  domain        index the seed corpus, ask the questions of the qrels' dev.tsv and\n"
    "                test.tsv (question<TAB>id:grade,...; 2 answers, 1 related; empty =\n"
    "                unanswerable). Over answerable questions (a judged record of grade >= 1):\n"
    "                nDCG@5 (gains 2^g-1, log2 discount, ideal from the judged list); over\n"
    "                those with a grade-2 record: MRR@10 of the first grade-2 hit, P@1 (top\n"
    "                hit grade 2), R@5 (share of grade-2 records in the top 5). Unanswerable\n"
    "                questions: mean top score and share with no hit (each system scores\n"
    "                on its own scale: compare within one system only). Coverage\n"
    "                verdicts (wenda and icu) at the default thresholds, scored strictly:\n"
    "                a question with a grade-2 answer must come out covered, one with no\n"
    "                judged record uncovered.\n"
    "  segmentation  the analyzer in query mode against SIGHAN 2005 PKU and MSR test gold\n"
    "                and the AMTTL medical-forum test gold: precision, recall and F1 of\n"
    "                word spans in characters, whitespace removed; gold words made only of\n"
    "                punctuation or symbols are left out (the analyzer drops them), every\n"
    "                token counts as predicted. OOV recall over gold words missing from\n"
    "                the set's training vocabulary (used for scoring only, never as a\n"
    "                lexicon).\n"
    "  pairs         same-question detection on labelled question pairs (tianchi, lcqmc,\n"
    "                insurance_zhidao_rank, kuake-qqr): each pair scored by the same-question\n"
    "                confidence that groups coverage gaps; ROC AUC, and P/R/F1 at its\n"
    "                threshold; tuning splits and test splits listed separately.\n"
    "  confidence    does wenda know when a base has no answer? The answerable and\n"
    "                unanswerable questions of corpus/qrels/confidence (seeds, insurance,\n"
    "                the law corpus; dev and test), each asked against its base minus the\n"
    "                held-out records: strict accuracy of the coverage verdicts at the\n"
    "                built-in calibration, ROC AUC, ECE and Brier score of the confidence\n"
    "                with its reliability table, and an n-gram baseline (its top BM25\n"
    "                score, the threshold set on test: an oracle).\n"
    "Systems, side by side in every table:\n"
    "  wenda     the engine as shipped (ICU words merged by the dictionary layer)\n"
    "  icu       wenda's indexer and searcher with the dictionary layer off\n"
    "  ngram-q   Xapian TermGenerator CJK n-grams of the question; the query's n-grams\n"
    "            OR-ed, BM25 with Xapian's defaults (k1 1, k2 0, k3 1, b 0.5, min 0.5)\n"
    "  ngram-qa  the same over the question (wdf x2) plus the answer\n"
    "The n-gram systems do not segment: n/a in the segmentation table.\n"
    "Indexes are built in a temporary folder that is removed afterwards.\n"
    "Exit: 0 measured; 1 no data found for any part; 2 usage; 3 unreadable data or\n"
    "index error; 4 internal error.",
    eval_opts,
    cmd_eval
};
