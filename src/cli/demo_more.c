/*
 * demo_more.c — the demo union's life beyond its register (used by `kamgar demo` after
 * demo_data.c): a three-day workshop with sessions, participants from several organisations,
 * attendance, evaluations and action plans; a national federation it affiliates to (asked by
 * the union, accepted by the federation, with the figures the union shares); and a
 * cooperation project with the ILO that the workshop belongs to; an activist contest with
 * recruits that count; and news articles in three scripts for /news.
 *
 * Everything goes through the store's ops as the API would, so the demo obeys the same rules.
 * Must not: make a participant into a person (the workshop's participants stay participants).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "store/store_contests.h"
#include "store/store_learning.h"
#include "store/store_news.h"
#include "store/store_projects.h"
#include "store/store_solidarity.h"

#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

/* The workshop: Lahore, 6–8 October 2026 (Pakistan time), three sessions. */
static const char *skills[] = {"power and resources", "identifying workplace issues",
                               "asking workers to join"};

static const struct {
    const char *title, *starts_at, *ends_at;
} sessions[] = {
    {"Why organize: power and resources", "2026-10-06T09:30:00+05:00", "2026-10-06T13:00:00+05:00"},
    {"Finding the issues that move people", "2026-10-07T09:30:00+05:00",
     "2026-10-07T13:00:00+05:00"},
    {"The ask: inviting a worker to join", "2026-10-08T09:30:00+05:00",
     "2026-10-08T13:00:00+05:00"},
};

static const struct {
    const char *name, *from_org, *position, *gender, *city, *province;
    unsigned attended; /* bits: sessions 0..2 */
    int before[3], after[3];
    const char *plan; /* NULL: no plan yet */
} people[] = {
    {"Shazia Parveen",
     NULL,
     "General Secretary",
     "female",
     "Lahore",
     "Punjab",
     7,
     {2, 1, 2},
     {4, 3, 4},
     "Reach the 60 stitchers of Bhatti Colony"},
    {"Nasreen Akhtar",
     NULL,
     "Organizing Secretary",
     "female",
     "Sialkot",
     "Punjab",
     7,
     {3, 2, 1},
     {4, 4, 4},
     "A committee at the football stitching centre"},
    {"Farzana Bibi",
     "Sindh Home-Based Workers Association",
     "Vice President",
     "female",
     "Karachi",
     "Sindh",
     3,
     {1, 1, 1},
     {3, 3, 2},
     "Bangle workers of Orangi Town"},
    {"Rukhsana Kausar",
     "Sindh Home-Based Workers Association",
     "Member",
     "female",
     "Hyderabad",
     "Sindh",
     7,
     {2, 2, 2},
     {3, 4, 4},
     NULL},
    {"Zubaida Khatoon",
     "Khyber Home-Based Women Workers Network",
     "Coordinator",
     "female",
     "Peshawar",
     "Khyber Pakhtunkhwa",
     6,
     {1, 2, 1},
     {3, 3, 3},
     NULL},
    {"Muhammad Aslam",
     "Faisalabad Power Loom Workers Union",
     "Organizing Secretary",
     "male",
     "Faisalabad",
     "Punjab",
     5,
     {3, 3, 2},
     {4, 4, 3},
     "Power loom sheds of Ghulam Muhammadabad"},
    {"Gulnaz Baloch",
     "Balochistan Domestic Workers Union",
     "President",
     "female",
     "Quetta",
     "Balochistan",
     7,
     {2, 1, 1},
     {4, 3, 4},
     NULL},
    {"Tahira Yasmin",
     NULL,
     "Shop steward",
     "female",
     "Faisalabad",
     "Punjab",
     0,
     {0, 0, 0},
     {0, 0, 0},
     NULL},
};

static enum kg_err learning_err(enum kg_err e, const struct kg_lerr *le, const char *what)
{
    if (e)
        fprintf(stderr, "kamgar: demo %s: %s%s%s\n", what, le->field ? le->field : "",
                le->field ? " " : "", le->message ? le->message : kg_err_name(e));
    return e;
}

static enum kg_err make_workshop(struct kg_store *s, const struct kg_actor *who,
                                 const char *organizer_id, struct kg_arena *a,
                                 const char **event_id)
{
    const struct kg_store_learning_ops *L = s->ops->learning;
    struct kg_lerr le = {0};
    bool created;
    struct kg_event_trainer trainer = {.user_id = organizer_id, .name = "Rubina Yousaf"};
    struct kg_event_cohost cohost = {.name = "ILO Country Office for Pakistan"};
    struct kg_event ev = {
        .kind = "workshop",
        .title = "Organizing home-based workers: a three-day workshop",
        .description = "For organizers of home-based workers from four provinces: where our "
                       "power comes from, finding the issues, and asking a worker to join. "
                       "Every participant leaves with a plan for their own area.",
        .starts_at = "2026-10-06T09:00:00+05:00",
        .ends_at = "2026-10-08T17:00:00+05:00",
        .venue = "Union office, Township",
        .city = "Lahore",
        .province = "Punjab",
        .country = "PK",
        .languages = {(const char *[]){"ur", "pa"}, 2},
        .capacity = 30,
        .status = "held",
        .skills = {skills, N_OF(skills)},
        .trainers = &trainer,
        .n_trainers = 1,
        .co_hosts = &cohost,
        .n_co_hosts = 1,
    };
    struct kg_event out;
    enum kg_err e = L->event_create(s, who, &ev, a, &out, &created, &le);
    if (e)
        return learning_err(e, &le, "event");
    *event_id = out.id;
    const char *sid[N_OF(sessions)];
    for (size_t i = 0; i < N_OF(sessions); i++) {
        struct kg_event_session in = {
            .event_id = out.id,
            .title = sessions[i].title,
            .topic = skills[i],
            .starts_at = sessions[i].starts_at,
            .ends_at = sessions[i].ends_at,
            .trainer = "Rubina Yousaf",
        };
        struct kg_event_session so;
        e = L->session_create(s, who, &in, a, &so, &created, &le);
        if (e)
            return learning_err(e, &le, "session");
        sid[i] = so.id;
    }
    for (size_t i = 0; i < N_OF(people); i++) {
        struct kg_participant p = {
            .full_name = people[i].name,
            .from_org_name = people[i].from_org,
            .position = people[i].position,
            .gender = people[i].gender,
            .city = people[i].city,
            .province = people[i].province,
        };
        struct kg_participant po;
        e = L->participant_create(s, who, &p, a, &po, &created, &le);
        if (e)
            return learning_err(e, &le, "participant");
        const char *att[N_OF(sessions)];
        size_t n_att = 0;
        for (size_t k = 0; k < N_OF(sessions); k++)
            if (people[i].attended & (1u << k))
                att[n_att++] = sid[k];
        struct kg_registration rg = {
            .event_id = out.id,
            .participant_id = po.id,
            .status = n_att ? "attended" : "no_show",
            .attended_session_ids = {att, n_att},
        };
        struct kg_registration ro;
        e = L->registration_put(s, who, &rg, KG_RG_STATUS | KG_RG_ATTENDED, a, &ro, &created, &le);
        if (e)
            return learning_err(e, &le, "registration");
        if (!n_att)
            continue;
        struct kg_rating r[N_OF(skills)];
        for (size_t k = 0; k < N_OF(skills); k++)
            r[k] = (struct kg_rating){skills[k], people[i].before[k], people[i].after[k]};
        struct kg_evaluation ev_in = {
            .event_id = out.id,
            .participant_id = po.id,
            .ratings = r,
            .n_ratings = N_OF(skills),
            .feedback = i == 0 ? "Now I know how to ask, and how to listen first." : NULL,
            .may_publish = i == 0,
        };
        struct kg_evaluation eo;
        e = L->evaluation_create(s, who, &ev_in, a, &eo, &created, &le);
        if (e)
            return learning_err(e, &le, "evaluation");
        if (!people[i].plan)
            continue;
        struct kg_plan_step steps[] = {
            {"List every worker in the area with a phone number", "2026-10-31", people[i].name,
             true},
            {"One-on-one conversations with ten of them", "2026-11-30", people[i].name, false},
            {"First committee meeting", "2026-12-15", people[i].name, false},
        };
        struct kg_plan pl = {
            .event_id = out.id,
            .participant_id = po.id,
            .title = people[i].plan,
            .target = people[i].city,
            .status = i < 2 ? "in_progress" : "presented",
            .steps = steps,
            .n_steps = N_OF(steps),
        };
        struct kg_plan plo;
        e = L->plan_create(s, who, &pl, a, &plo, &created, &le);
        if (e)
            return learning_err(e, &le, "plan");
    }
    return KG_OK;
}

/* The national federation, and the union's affiliation to it (asked, then accepted). */
static enum kg_err make_federation(struct kg_store *s, const struct kg_actor *union_admin,
                                   struct kg_arena *a)
{
    struct kg_actor boot = {
        .user_id = union_admin->user_id, .instance_admin = true, .role = KG_ROLE_ADMIN};
    struct kg_org o = {
        .slug = "hbwf",
        .name = "Home-Based Workers Federation of Pakistan",
        .kind = "federation",
        .country = "PK",
        .sector = "home-based work",
        .reg_status = "registered",
        .reg_authority = "National Industrial Relations Commission",
    };
    struct kg_org fed;
    struct kg_conflict cf = {0};
    enum kg_err e = s->ops->org_create(s, &boot, &o, a, &fed, &cf);
    if (e)
        return e;
    struct kg_actor fed_admin = {.user_id = union_admin->user_id,
                                 .org_id = fed.id,
                                 .role = KG_ROLE_ADMIN,
                                 .instance_admin = true};
    struct kg_membership m;
    e = s->ops->member_put(s, &fed_admin, union_admin->user_id, KG_ROLE_ADMIN, a, &m);
    if (e)
        return e;
    const struct kg_store_solidarity_ops *S = s->ops->solidarity;
    struct kg_affiliation af;
    bool created;
    e = S->affiliation_request(s, union_admin, NULL, fed.id,
                               "We organize home-based women workers in Punjab.",
                               KG_SH_MEMBERS | KG_SH_APPLICANTS | KG_SH_GENDER | KG_SH_PROVINCE |
                                   KG_SH_GROWTH | KG_SH_TRAININGS,
                               a, &af, &created, &cf);
    if (!e)
        e = S->affiliation_accept(s, &fed_admin, af.id, a, &af, &cf);
    return e;
}

/* A project with the ILO that the workshop was part of. */
static enum kg_err make_project(struct kg_store *s, const struct kg_actor *who,
                                const char *event_id, struct kg_arena *a)
{
    const struct kg_store_projects_ops *P = s->ops->projects;
    struct kg_project_partner partners[] = {
        {NULL, "International Labour Organization (ILO)", "ilo"},
        {NULL, "Labour and Human Resource Department, Punjab", "government_ministry"},
    };
    struct kg_project pj = {
        .title = "Decent work for home-based workers in Punjab",
        .objectives = "Bring home-based workers into the union, win a piece rate that reaches "
                      "the minimum wage, and have the province notify the rules of its "
                      "Home-Based Workers Act.",
        .status = "active",
        .starts_on = "2026-01-01",
        .ends_on = "2027-12-31",
        .sdg_targets = {(const char *[]){"8.5", "8.8"}, 2},
        .partners = partners,
        .n_partners = N_OF(partners),
        .event_ids = {&event_id, 1},
    };
    struct kg_project out;
    struct kg_conflict cf = {0};
    bool created;
    enum kg_err e = P->project_create(s, who, &pj, a, &out, &created, &cf);
    if (e)
        return e;
    struct kg_indicator in = {
        .name = "Home-based workers who are members",
        .unit = "people",
        .baseline = 350,
        .target = 1000,
        .actual = 512,
        .has_baseline = true,
        .has_target = true,
        .has_actual = true,
    };
    struct kg_indicator io;
    return P->indicator_create(s, who, out.id, &in, a, &io, &created, &cf);
}

/* Three activists, the members each recruited this year, and the contest they are in. */
static const struct {
    const char *name;
    int recruits;
} activists[] = {{"Parveen Akhtar", 6}, {"Sadia Bibi", 4}, {"عظمیٰ نورین", 3}};

static enum kg_err make_contest(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a)
{
    struct kg_contest c = {
        .name = "The Best Trade Union Activist 2026",
        .description = "Six months after the seminar on bringing informal workers into the "
                       "union: points for every worker who became a member.",
        .starts_on = "2026-06-01",
        .ends_on = "2026-12-31",
        .status = "open",
        .points = {.recruit = 10, .information_session = 5, .conversation = 1, .card = 2},
    };
    struct kg_contest out;
    struct kg_conflict cf = {0};
    bool created;
    enum kg_err e = s->ops->contests->contest_create(s, who, &c, a, &out, &created, &cf);
    for (size_t i = 0; !e && i < N_OF(activists); i++) {
        struct kg_person p = {.full_name = activists[i].name,
                              .gender = "female",
                              .city = "Lahore",
                              .province = "Punjab",
                              .country = "PK",
                              .membership = "member",
                              .member_since = "2019-03-08",
                              .is_leader = true};
        struct kg_person act;
        e = s->ops->person_create(s, who, &p, a, &act, &created, &cf);
        for (int k = 0; !e && k < activists[i].recruits; k++) {
            char name[64], since[16];
            snprintf(name, sizeof(name), "Recruit %zu-%d of %s", i + 1, k + 1,
                     i == 2 ? "Uzma" : activists[i].name);
            snprintf(since, sizeof(since), "2026-%02d-%02d", 6 + k % 5, 3 + 4 * (k % 6));
            struct kg_person r = {.full_name = name,
                                  .gender = "female",
                                  .city = "Lahore",
                                  .country = "PK",
                                  .employment_type = "home_based",
                                  /* the last of each is still an applicant: no points yet */
                                  .membership =
                                      k + 1 < activists[i].recruits ? "member" : "applicant",
                                  .member_since = since,
                                  .recruited_by = act.id};
            struct kg_person ro;
            e = s->ops->person_create(s, who, &r, a, &ro, &created, &cf);
        }
        struct kg_contest_entrant_add en = {.person_id = act.id};
        int64_t added;
        if (!e)
            e = s->ops->contests->entrant_add(s, who, out.id, &en, &added, &cf);
    }
    return e;
}

static const struct {
    const char *slug, *title, *summary, *body, *language, *region, *published_at;
    const char *tags[2];
} articles[] = {
    {"piece-rate-talks",
     "Home-based workers open piece-rate talks with Stridewell",
     "Three hundred stitchers signed the petition; the company agreed to meet the union.",
     "After a month of one-on-one conversations in Sialkot's villages, **300 home-based "
     "stitchers** signed the petition for a piece rate that reaches the minimum wage.\n\n"
     "The company has agreed to meet the union's committee in December.",
     "en",
     "Punjab",
     "2026-11-10T09:00:00Z",
     {"wages", "home-based workers"}},
    {"workshop-lahore",
     "لاہور میں تین روزہ تربیتی ورکشاپ",
     "چار صوبوں سے گھر مزدور خواتین نے یونین سازی کی تربیت حاصل کی۔",
     "چار صوبوں سے آئی ہوئی **گھر مزدور خواتین** نے تین دن تک یونین سازی، مسائل کی نشاندہی "
     "اور ممبر سازی کی تربیت حاصل کی۔ ہر شرکت کنندہ نے اپنے علاقے کے لیے منصوبہ پیش کیا۔",
     "ur",
     "Punjab",
     "2026-10-09T12:00:00Z",
     {"training", "مزدور"}},
    {"bidi-workers-meeting",
     "बीड़ी मज़दूरों की बैठक में न्यूनतम मज़दूरी की माँग",
     "घर से काम करने वाली बीड़ी मज़दूरों ने न्यूनतम मज़दूरी और पहचान पत्र की माँग उठाई।",
     "घर से काम करने वाली **बीड़ी मज़दूरों** ने बैठक में न्यूनतम मज़दूरी, पहचान पत्र और "
     "सामाजिक सुरक्षा की माँग उठाई।",
     "hi",
     "South Asia",
     "2026-09-20T08:30:00Z",
     {"wages", "home-based workers"}},
};

static enum kg_err make_news(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a)
{
    enum kg_err e = KG_OK;
    for (size_t i = 0; !e && i < N_OF(articles); i++) {
        struct kg_article in = {
            .slug = articles[i].slug,
            .title = articles[i].title,
            .summary = articles[i].summary,
            .body = articles[i].body,
            .language = articles[i].language,
            .region = articles[i].region,
            .tags = {(const char **)articles[i].tags, 2},
            .status = "published",
            .published_at = articles[i].published_at,
        };
        struct kg_article out;
        struct kg_conflict cf = {0};
        bool created;
        e = s->ops->news->article_create(s, who, &in, a, &out, &created, &cf);
    }
    return e;
}

enum kg_err kg_demo_more(struct kg_store *s, const struct kg_actor *who, const char *organizer_id,
                         struct kg_arena *a)
{
    const char *event_id = NULL;
    enum kg_err e = make_workshop(s, who, organizer_id, a, &event_id);
    if (!e)
        e = make_federation(s, who, a);
    if (!e)
        e = make_project(s, who, event_id, a);
    if (!e)
        e = make_contest(s, who, a);
    if (!e)
        e = make_news(s, who, a);
    return e;
}
