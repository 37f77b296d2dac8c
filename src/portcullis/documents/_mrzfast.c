/* Optional C accelerator for portcullis.documents.parser (clean documents only).
 *
 * read(text, mode, ref, correct_ocr) reads one MRZ given as a str in the usual shape (two
 * or three lines of exactly the layout's width joined by "\n", characters A-Z 0-9 < only) and
 * returns the same MRZResult that parser._parse would build, or None when it cannot be sure of
 * that: another input shape, a document code not yet in the plan's cache, a partial or invalid
 * date, the non-standard long-number variant, or a document the OCR corrector might change.  On
 * None the caller runs the pure-Python path, which is the reference for every message; the
 * messages below are copies of parser._evaluate's (tests/documents/test_accelerator.py checks
 * that both paths agree).
 *
 * Nothing is cached here: every call reads its document from scratch.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <structmember.h>
#include <string.h>

#define MAXT 92

typedef struct {
    int total, width, lines;
    int code0, code1, issuer0, issuer1, name0, name1, number0, number1, number_cd;
    int nat0, nat1, birth0, birth1, birth_cd, sex, expiry0, expiry1, expiry_cd;
    int opt0, opt1, opt_cd, opt2_0, opt2_1, comp_cd, long_number;
    int ncomp, comp0[4], comp1[4];
    int nfree, free_[MAXT];
    PyObject *name;          /* "TD1" ... */
    PyObject *code_problems; /* the plan's dict: document code -> message or None */
} Plan;

/* Plans 0..4 are TD1, TD2, TD3, MRVA, MRVB (the order of parser._FAST_PLANS). */
static Plan plans[5];
static int ready = 0;

static PyObject *country_codes;   /* dict */
static PyTypeObject *result_type, *fields_type;
static Py_ssize_t result_off[10], fields_off[14];
static PyObject *checks_template3, *checks_template4, *checks_template_opt, *validity_template;
static PyObject *k_document_number, *k_birth_date, *k_expiry_date, *k_optional_data, *k_composite;
static PyObject *k_document_code, *k_issuing_state, *k_nationality, *k_names, *k_sex;

static unsigned char VALUE[256];   /* check-digit value, 255 outside A-Z 0-9 < */
static unsigned char TO_LETTER[256], TO_DIGIT[256], ALNUM_ALT[256];
static unsigned char TO_LETTER_MAP[256]; /* ocr.TO_LETTER: digit -> letter, 0 for none */

static int days_in_month(int y, int m)
{
    static const int d[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m];
}

/* Check digit over chars [a, b) of s, weights starting at 7 with offset *k (continued). */
static int cd_span(const char *s, int a, int b, int *k)
{
    static const int w[3] = {7, 3, 1};
    int sum = 0, n = *k;
    for (int i = a; i < b; i++) {
        sum += VALUE[(unsigned char)s[i]] * w[n];
        n = n == 2 ? 0 : n + 1;
    }
    *k = n;
    return sum;
}

static char cd_of(const char *s, int a, int b)
{
    int k = 0;
    return (char)('0' + cd_span(s, a, b, &k) % 10);
}

static PyObject *mkstr(const char *p, Py_ssize_t n)
{
    PyObject *o = PyUnicode_New(n, 127);
    if (o && n)
        memcpy(PyUnicode_1BYTE_DATA(o), p, (size_t)n);
    return o;
}

/* rstrip '<' of s[a:b): the new end */
static int rstrip_fill(const char *s, int a, int b)
{
    while (b > a && s[b - 1] == '<')
        b--;
    return b;
}

/* _filler_run_has_k_or_x of the chars buf[0:n) */
static int filler_run_has_k_or_x(const char *buf, int n)
{
    int t = n;
    while (t > 0 && (buf[t - 1] == '<' || buf[t - 1] == 'K' || buf[t - 1] == 'X'))
        t--;
    for (int i = t; i + 1 < n; i++)
        if (buf[i] == '<' && (buf[i + 1] == 'K' || buf[i + 1] == 'X'))
            return 1;
    return 0;
}

static int find2(const char *s, int a, int b)
{
    for (int i = a; i + 1 < b; i++)
        if (s[i] == '<' && s[i + 1] == '<')
            return i;
    return -1;
}

static int known_code(const char *c, int n)
{
    n = rstrip_fill(c, 0, n);
    PyObject *o = mkstr(c, n);
    if (!o)
        return -1;
    int r = PyDict_Contains(country_codes, o);
    Py_DECREF(o);
    return r;
}

/* ocr.code_correction(raw) is not None, for the three characters raw (not a known code). */
static int code_would_change(const char *raw)
{
    char cand[3];
    for (int i = 0; i < 3; i++) {
        unsigned char c = (unsigned char)raw[i];
        cand[i] = TO_LETTER_MAP[c] ? (char)TO_LETTER_MAP[c] : raw[i];
    }
    if (cand[0] >= 'A' && cand[0] <= 'Z') {
        int fill = 1;
        for (int i = 1; i < 3; i++)
            if (cand[i] != 'K' && cand[i] != 'X' && cand[i] != '<')
                fill = 0;
        if (fill) {
            char shrt[3] = {cand[0], '<', '<'};
            int a = known_code(shrt, 3);
            if (a < 0)
                return -1;
            if (a) {
                int b = known_code(cand, 3);
                if (b < 0)
                    return -1;
                if (!b)
                    memcpy(cand, shrt, 3);
            }
        }
    }
    if (memcmp(cand, raw, 3) == 0)
        return 0;
    return known_code(cand, 3);
}

static int append_fmt(PyObject *list, PyObject *msg)
{
    if (msg == NULL)
        return -1;
    int r = PyList_Append(list, msg);
    Py_DECREF(msg);
    return r;
}

static int check_failed(PyObject *errors, const Plan *P, const char *label, int index, char printed, char computed)
{
    return append_fmt(errors, PyUnicode_FromFormat(
        "line %d, position %d: %s check digit is '%c', computed '%c'",
        index / P->width + 1, index % P->width + 1, label, printed, computed));
}

static void set_slot(PyObject *obj, Py_ssize_t off, PyObject *value)
{
    *(PyObject **)((char *)obj + off) = value; /* steals; the slot was NULL */
}

static PyObject *new_instance(PyTypeObject *tp)
{
    return tp->tp_alloc(tp, 0);
}

static PyObject *newline;
static PyObject *read_text(PyObject *text, PyObject *mode, PyObject *ref, PyObject *correct_ocr_arg);

static PyObject *fast_read(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "read(text, mode, ref, correct_ocr)");
        return NULL;
    }
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "_mrzfast.setup() has not been called");
        return NULL;
    }
    PyObject *text = args[0], *mode = args[1], *ref = args[2], *correct_ocr = args[3];
    if (!PyUnicode_Check(mode))
        Py_RETURN_NONE;
    if (!PyDate_CheckExact(ref))
        Py_RETURN_NONE;
    PyObject *joined = NULL; /* a list or tuple of lines: "\n".join(lines), as parser._clean */
    if (!PyUnicode_CheckExact(text)) {
        if (!PyList_CheckExact(text) && !PyTuple_CheckExact(text))
            Py_RETURN_NONE;
        if (!newline && !(newline = PyUnicode_FromString("\n")))
            return NULL;
        joined = PyUnicode_Join(newline, text);
        if (!joined) {
            if (!PyErr_ExceptionMatches(PyExc_TypeError))
                return NULL;
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        PyObject *r = read_text(joined, mode, ref, correct_ocr);
        Py_DECREF(joined);
        return r;
    }
    return read_text(text, mode, ref, correct_ocr);
}

static PyObject *read_text(PyObject *text, PyObject *mode, PyObject *ref, PyObject *correct_ocr_arg)
{
    if (!PyUnicode_IS_ASCII(text))
        Py_RETURN_NONE;
    int strict = PyUnicode_CompareWithASCIIString(mode, "strict") == 0;

    /* -- shape: the same test as parser._clean ------------------------------------------ */
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const char *t = (const char *)PyUnicode_1BYTE_DATA(text);
    const Plan *P;
    int nl1, nl2 = -1;
    if (n == 89) {
        nl1 = 44;
        P = &plans[t[0] == 'V' ? 3 : 2];
    } else if (n == 73) {
        nl1 = 36;
        P = &plans[t[0] == 'V' ? 4 : 1];
    } else if (n == 92) {
        nl1 = 30;
        nl2 = 61;
        P = &plans[0];
    } else {
        Py_RETURN_NONE;
    }
    char s[MAXT + 1];
    if (t[nl1] != '\n' || (nl2 >= 0 && t[nl2] != '\n'))
        Py_RETURN_NONE;
    {
        int w = P->width;
        for (int line = 0; line < P->lines; line++)
            memcpy(s + line * w, t + line * (w + 1), (size_t)w);
        unsigned bad = 0;
        for (int i = 0; i < P->total; i++)
            bad |= VALUE[(unsigned char)s[i]] & 128u; /* 255 outside A-Z 0-9 <, else < 36 */
        if (bad)
            Py_RETURN_NONE;
        s[P->total] = 0;
    }
    /* A clean document: the Python path would now test correct_ocr too. */
    int correct_ocr = PyObject_IsTrue(correct_ocr_arg);
    if (correct_ocr < 0)
        return NULL;

    int ry = PyDateTime_GET_YEAR(ref), rm = PyDateTime_GET_MONTH(ref), rd = PyDateTime_GET_DAY(ref);

    /* -- everything that decides between this path and the Python one, before allocating -- */
    int code_end = rstrip_fill(s, P->code0, P->code1);
    PyObject *msg = NULL; /* borrowed: the cached problem message, or NULL for none */
    int code_empty = code_end == P->code0;
    if (!code_empty) {
        PyObject *code = mkstr(s + P->code0, code_end - P->code0);
        if (!code)
            return NULL;
        PyObject *got = PyDict_GetItemWithError(P->code_problems, code);
        Py_DECREF(code);
        if (got == NULL) {
            if (PyErr_Occurred())
                return NULL;
            Py_RETURN_NONE; /* not yet known: the Python path computes and caches it */
        }
        if (got != Py_None)
            msg = got;
    }
    int code_ok = !code_empty && msg == NULL;

    int issuer_end = rstrip_fill(s, P->issuer0, P->issuer1);
    int nat_end = rstrip_fill(s, P->nat0, P->nat1);
    PyObject *issuer = NULL, *nationality = NULL, *result = NULL, *fields = NULL;
    PyObject *errors = NULL, *warnings = NULL, *checks = NULL, *validity = NULL;
    int issuer_ok, nat_ok;

    /* Document number. */
    const char *nf = s + P->number0;
    int nlen = P->number1 - P->number0;
    char number_cd = s[P->number_cd];
    int optional_used = 0, number_ok, long_path = 0, cd_index = 0;
    char long_printed = 0, long_computed = 0;
    char numbuf[MAXT];
    int number_len;
    int olen = P->opt1 - P->opt0;
    const char *opt = s + P->opt0;
    if (number_cd == '<' && P->long_number && nf[nlen - 1] != '<' && opt[0] != '<') {
        int tok = 0;
        while (tok < olen && opt[tok] != '<')
            tok++;
        optional_used = tok + 1 < olen ? tok + 1 : olen;
        if (tok < 2)
            Py_RETURN_NONE; /* '<' check digit with no continuation: rare, Python path */
        memcpy(numbuf, nf, nlen);
        memcpy(numbuf + nlen, opt, tok - 1);
        number_len = nlen + tok - 1;
        long_printed = opt[tok - 1];
        long_computed = cd_of(numbuf, 0, number_len);
        cd_index = P->opt0 + tok - 1;
        number_ok = long_printed == long_computed;
        if (!number_ok) {
            char variant_buf[MAXT];
            memcpy(variant_buf, nf, nlen);
            variant_buf[nlen] = '<';
            memcpy(variant_buf + nlen + 1, opt, tok - 1);
            if (long_printed == cd_of(variant_buf, 0, nlen + tok))
                Py_RETURN_NONE; /* the non-standard variant: Python path */
        }
        long_path = 1;
    } else {
        number_len = rstrip_fill(nf, 0, nlen);
        memcpy(numbuf, nf, number_len);
        long_computed = cd_of(nf, 0, nlen);
        number_ok = number_cd == long_computed;
    }

    /* Dates: anything but a full valid date goes to the Python path. */
    int birth_y, birth_m, birth_d, exp_y, exp_m, exp_d;
    {
        const char *b = s + P->birth0, *e = s + P->expiry0;
        for (int i = 0; i < 6; i++)
            if (b[i] < '0' || b[i] > '9' || e[i] < '0' || e[i] > '9')
                Py_RETURN_NONE;
        int yy = (b[0] - '0') * 10 + b[1] - '0';
        birth_m = (b[2] - '0') * 10 + b[3] - '0';
        birth_d = (b[4] - '0') * 10 + b[5] - '0';
        birth_y = 2000 + yy;
        if (birth_y > ry || (birth_y == ry && (birth_m > rm || (birth_m == rm && birth_d > rd))))
            birth_y -= 100;
        if (birth_m < 1 || birth_m > 12 || birth_d < 1 || birth_d > days_in_month(birth_y, birth_m))
            Py_RETURN_NONE;
        yy = (e[0] - '0') * 10 + e[1] - '0';
        exp_m = (e[2] - '0') * 10 + e[3] - '0';
        exp_d = (e[4] - '0') * 10 + e[5] - '0';
        int base = ry - 69;
        exp_y = base + (((yy - base) % 100) + 100) % 100;
        if (exp_m < 1 || exp_m > 12 || exp_d < 1 || exp_d > days_in_month(exp_y, exp_m))
            Py_RETURN_NONE;
        if (birth_y < 1 || exp_y < 1 || exp_y > 9999)
            Py_RETURN_NONE;
    }
    char birth_printed = s[P->birth_cd], birth_computed = cd_of(s, P->birth0, P->birth1);
    char exp_printed = s[P->expiry_cd], exp_computed = cd_of(s, P->expiry0, P->expiry1);
    int birth_check = birth_printed == birth_computed, exp_check = exp_printed == exp_computed;

    /* Optional data check digit (TD3) and composite. */
    int optional_check = 1;
    char opt_printed = 0, opt_computed = 0;
    if (P->opt_cd >= 0) {
        opt_printed = s[P->opt_cd];
        if (rstrip_fill(s, P->opt0, P->opt1) == P->opt0) {
            optional_check = opt_printed == '<' || opt_printed == '0';
            opt_computed = '0';
        } else {
            opt_computed = cd_of(s, P->opt0, P->opt1);
            optional_check = opt_printed == opt_computed;
        }
    }
    int composite_ok = 1;
    char comp_printed = 0, comp_computed = 0;
    if (P->comp_cd >= 0) {
        int k = 0, sum = 0;
        for (int c = 0; c < P->ncomp; c++)
            sum += cd_span(s, P->comp0[c], P->comp1[c], &k);
        comp_printed = s[P->comp_cd];
        comp_computed = (char)('0' + sum % 10);
        composite_ok = comp_printed == comp_computed;
    }

    /* Names (no allocation yet). */
    const char *nm = s + P->name0;
    int nmlen = P->name1 - P->name0;
    int body = rstrip_fill(nm, 0, nmlen);
    int sep = find2(nm, 0, body);
    int p0 = 0, p1 = sep >= 0 ? sep : body, s0 = sep >= 0 ? sep + 2 : body, s1 = body;
    while (p0 < p1 && nm[p0] == '<') p0++;
    while (p1 > p0 && nm[p1 - 1] == '<') p1--;
    while (s0 < s1 && nm[s0] == '<') s0++;
    while (s1 > s0 && nm[s1 - 1] == '<') s1--;
    int name_digits = 0;
    for (int i = 0; i < nmlen; i++)
        if (nm[i] >= '0' && nm[i] <= '9')
            name_digits = 1;
    int name_empty = p0 == p1 && s0 == s1;
    int more_separators = sep >= 0 && find2(nm, sep + 2, body) >= 0;
    int truncated = nm[nmlen - 1] >= 'A' && nm[nmlen - 1] <= 'Z';

    char sex = s[P->sex];
    int sex_ok = sex == '<' || sex == 'X' || sex == 'M' || sex == 'F';

    /* Country codes (dict look-ups). */
    issuer = mkstr(s + P->issuer0, issuer_end - P->issuer0);
    nationality = mkstr(s + P->nat0, nat_end - P->nat0);
    if (!issuer || !nationality)
        goto fail;
    issuer_ok = PyDict_Contains(country_codes, issuer);
    nat_ok = PyDict_Contains(country_codes, nationality);
    if (issuer_ok < 0 || nat_ok < 0)
        goto fail;

    int core_ok = !name_empty && !name_digits && number_ok && number_len > 0 && birth_check && exp_check &&
                  sex_ok && optional_check && composite_ok;
    /* In lenient mode document-code and country-code problems are warnings. */
    int valid = core_ok && (!strict || (code_ok && issuer_ok && nat_ok));

    /* -- would the Python path call the OCR corrector? ------------------------------------ */
    if (correct_ocr) {
        if (valid) {
            /* _worth_correcting */
            int spans[2][2] = {{P->number0, P->number1}, {P->opt0, P->opt1}};
            for (int k = 0; k < 2; k++) {
                int a = spans[k][0], e = rstrip_fill(s, a, spans[k][1]);
                if (e - a >= 2 && (s[e - 1] == 'K' || s[e - 1] == 'X') && s[e - 2] == '<')
                    goto python_path;
            }
            int first = find2(nm, 0, nmlen);
            if (first >= 0) {
                int second = find2(nm, first + 2, nmlen);
                if (second >= 0)
                    for (int i = second; i < nmlen; i++)
                        if (nm[i] == 'K' || nm[i] == 'X')
                            goto python_path;
            }
        } else {
            /* not _correction_is_noop(...) */
            if (TO_LETTER[(unsigned char)s[P->code0]])
                goto python_path;
            if (!issuer_ok) {
                int r = code_would_change(s + P->issuer0);
                if (r < 0)
                    goto fail;
                if (r)
                    goto python_path;
            }
            if (!nat_ok) {
                int r = code_would_change(s + P->nat0);
                if (r < 0)
                    goto fail;
                if (r)
                    goto python_path;
            }
            for (int i = 0; i < nmlen; i++)
                if (TO_LETTER[(unsigned char)nm[i]])
                    goto python_path;
            int first = find2(nm, 0, nmlen);
            int end = first >= 0 ? find2(nm, first + 2, nmlen) : -1;
            if (end < 0) {
                int st = nmlen;
                while (st > 0 && (nm[st - 1] == 'K' || nm[st - 1] == 'X'))
                    st--;
                if (nmlen - st >= 3 && st > 0 && nm[st - 1] == '<')
                    goto python_path;
            } else {
                for (int i = end; i < nmlen; i++)
                    if (nm[i] == 'K' || nm[i] == 'X')
                        goto python_path;
            }
            if (sex == 'K')
                goto python_path;
            int tok = -1, noop_number_ok;
            if (P->long_number && number_cd == '<' && nf[nlen - 1] != '<') {
                tok = 0;
                while (tok < olen && opt[tok] != '<')
                    tok++;
                if (tok < 2)
                    goto python_path;
                char data[MAXT];
                memcpy(data, nf, nlen);
                memcpy(data + nlen, opt, tok - 1);
                if (filler_run_has_k_or_x(data, nlen + tok - 1) || opt[tok - 1] != cd_of(data, 0, nlen + tok - 1))
                    goto python_path;
                noop_number_ok = 1;
            } else {
                if (filler_run_has_k_or_x(nf, nlen))
                    goto python_path;
                noop_number_ok = number_ok;
                if (!noop_number_ok) {
                    if (TO_DIGIT[(unsigned char)number_cd])
                        goto python_path;
                    for (int i = 0; i < nlen; i++)
                        if (ALNUM_ALT[(unsigned char)nf[i]])
                            goto python_path;
                }
            }
            int dspans[2][3] = {{P->birth0, P->birth1, P->birth_cd}, {P->expiry0, P->expiry1, P->expiry_cd}};
            for (int k = 0; k < 2; k++) {
                /* raw = s[sl] + s[cdi]; not raw.isdigit() and any(ch in TO_DIGIT) */
                int digits = 1, letter = 0;
                for (int i = dspans[k][0]; i <= dspans[k][1]; i++) {
                    char c = i == dspans[k][1] ? s[dspans[k][2]] : s[i];
                    if (c < '0' || c > '9')
                        digits = 0;
                    if (TO_DIGIT[(unsigned char)c])
                        letter = 1;
                }
                if (!digits && letter)
                    goto python_path;
            }
            if (P->opt_cd >= 0) {
                if (filler_run_has_k_or_x(opt, olen))
                    goto python_path;
                if (!optional_check) {
                    if (TO_DIGIT[(unsigned char)opt_printed] || opt_printed == 'K' || opt_printed == 'X')
                        goto python_path;
                    for (int i = 0; i < olen; i++)
                        if (ALNUM_ALT[(unsigned char)opt[i]])
                            goto python_path;
                }
            }
            if (P->comp_cd >= 0 && !composite_ok) {
                int simple_ok = noop_number_ok && birth_check && exp_check && (P->opt_cd < 0 || optional_check);
                if (simple_ok) {
                    if (TO_DIGIT[(unsigned char)s[P->comp_cd]])
                        goto python_path;
                    int start = P->opt0;
                    for (int f = 0; f < P->nfree; f++) {
                        int i = P->free_[f];
                        if (tok > 0 && start <= i && i <= start + tok)
                            continue;
                        if (ALNUM_ALT[(unsigned char)s[i]])
                            goto python_path;
                    }
                }
            }
        }
    }

    /* -- build the result (parser._evaluate, message for message) ------------------------- */
    errors = PyList_New(0);
    warnings = PyList_New(0);
    if (!errors || !warnings)
        goto fail;
    PyObject *code_target = strict ? errors : warnings;
    if (code_empty) {
        if (append_fmt(code_target, PyUnicode_FromFormat("line %d, position %d: document code is empty",
                                                         P->code0 / P->width + 1, P->code0 % P->width + 1)))
            goto fail;
    } else if (msg) {
        if (append_fmt(code_target, PyUnicode_FromFormat("line %d, position %d: %U",
                                                         P->code0 / P->width + 1, P->code0 % P->width + 1, msg)))
            goto fail;
    }
    if (!issuer_ok || !nat_ok) {
        int known[2] = {issuer_ok, nat_ok}, starts[2] = {P->issuer0, P->nat0};
        const char *labels[2] = {"issuing state", "nationality"};
        for (int k = 0; k < 2; k++) {
            if (known[k])
                continue;
            const char *c3 = s + starts[k];
            if (append_fmt(code_target, PyUnicode_FromFormat(
                    "line %d, position %d: %s code '%c%c%c' is not an ISO 3166-1 alpha-3 or ICAO code",
                    starts[k] / P->width + 1, starts[k] % P->width + 1, labels[k], c3[0], c3[1], c3[2])))
                goto fail;
        }
    }
    if (name_empty) {
        if (append_fmt(errors, PyUnicode_FromFormat("line %d, position %d: name is empty",
                                                    P->name0 / P->width + 1, P->name0 % P->width + 1)))
            goto fail;
    }
    if (name_digits) {
        for (int i = 0; i < nmlen; i++) {
            if (!(nm[i] >= 'A' && nm[i] <= 'Z') && nm[i] != '<') {
                int at = P->name0 + i;
                if (append_fmt(errors, PyUnicode_FromFormat(
                        "line %d, position %d: '%c' in name (names use A-Z and '<' only)",
                        at / P->width + 1, at % P->width + 1, nm[i])))
                    goto fail;
            }
        }
    }
    if (nm[0] == '<' && append_fmt(warnings, PyUnicode_FromString(
            "name field starts with a filler (no primary identifier before it)")))
        goto fail;
    if (more_separators && append_fmt(warnings, PyUnicode_FromString(
            "name field has more than one '<<' separator")))
        goto fail;
    if (truncated && append_fmt(warnings, PyUnicode_FromString(
            "name fills its field: it may have been truncated")))
        goto fail;
    if (!number_ok) {
        if (long_path ? check_failed(errors, P, "long document number", cd_index, long_printed, long_computed)
                      : check_failed(errors, P, "document number", P->number_cd, number_cd, long_computed))
            goto fail;
    }
    if (number_len == 0 && append_fmt(errors, PyUnicode_FromFormat(
            "line %d, position %d: document number is empty", P->number0 / P->width + 1, P->number0 % P->width + 1)))
        goto fail;
    if (!birth_check && check_failed(errors, P, "date of birth", P->birth_cd, birth_printed, birth_computed))
        goto fail;
    if (!exp_check && check_failed(errors, P, "expiry date", P->expiry_cd, exp_printed, exp_computed))
        goto fail;
    if (exp_y < ry || (exp_y == ry && (exp_m < rm || (exp_m == rm && exp_d < rd)))) {
        if (append_fmt(warnings, PyUnicode_FromFormat("document expired on %04d-%02d-%02d", exp_y, exp_m, exp_d)))
            goto fail;
    }
    if (exp_y < birth_y || (exp_y == birth_y && (exp_m < birth_m || (exp_m == birth_m && exp_d <= birth_d)))) {
        if (append_fmt(warnings, PyUnicode_FromString("expiry date is not after the date of birth")))
            goto fail;
    }
    if (sex == 'X') {
        if (append_fmt(warnings, PyUnicode_FromString(
                "sex is 'X': ICAO 9303 uses '<' in the MRZ for unspecified sex")))
            goto fail;
    } else if (!sex_ok) {
        if (append_fmt(errors, PyUnicode_FromFormat("line %d, position %d: sex '%c' is not M, F or '<'",
                                                    P->sex / P->width + 1, P->sex % P->width + 1, sex)))
            goto fail;
    }
    if (P->opt_cd >= 0 && !optional_check &&
        check_failed(errors, P, "optional data (personal number)", P->opt_cd, opt_printed, opt_computed))
        goto fail;
    if (P->comp_cd >= 0 && !composite_ok &&
        check_failed(errors, P, "composite", P->comp_cd, comp_printed, comp_computed))
        goto fail;
    if ((PyList_GET_SIZE(errors) == 0) != valid) {
        PyErr_SetString(PyExc_AssertionError, "_mrzfast: validity and errors disagree");
        goto fail;
    }

    /* checks */
    checks = PyDict_Copy(P->opt_cd >= 0 ? checks_template_opt : (P->comp_cd >= 0 ? checks_template4 : checks_template3));
    if (!checks)
        goto fail;
    if ((!number_ok && PyDict_SetItem(checks, k_document_number, Py_False)) ||
        (!birth_check && PyDict_SetItem(checks, k_birth_date, Py_False)) ||
        (!exp_check && PyDict_SetItem(checks, k_expiry_date, Py_False)) ||
        (P->opt_cd >= 0 && !optional_check && PyDict_SetItem(checks, k_optional_data, Py_False)) ||
        (P->comp_cd >= 0 && !composite_ok && PyDict_SetItem(checks, k_composite, Py_False)))
        goto fail;
    int optional_ok = P->opt_cd >= 0 ? optional_check : (P->comp_cd >= 0 ? composite_ok : 1);
    validity = PyDict_Copy(validity_template);
    if (!validity)
        goto fail;
    if ((!code_ok && PyDict_SetItem(validity, k_document_code, Py_False)) ||
        (!issuer_ok && PyDict_SetItem(validity, k_issuing_state, Py_False)) ||
        (!nat_ok && PyDict_SetItem(validity, k_nationality, Py_False)) ||
        ((name_empty || name_digits) && PyDict_SetItem(validity, k_names, Py_False)) ||
        (!(number_ok && number_len > 0) && PyDict_SetItem(validity, k_document_number, Py_False)) ||
        (!birth_check && PyDict_SetItem(validity, k_birth_date, Py_False)) ||
        (!exp_check && PyDict_SetItem(validity, k_expiry_date, Py_False)) ||
        (!sex_ok && PyDict_SetItem(validity, k_sex, Py_False)) ||
        (!optional_ok && PyDict_SetItem(validity, k_optional_data, Py_False)))
        goto fail;

    /* fields: the order of result.FIELD_NAMES */
    fields = new_instance(fields_type);
    if (!fields)
        goto fail;
    {
        PyObject *v[14];
        int opt_start = optional_used, opt_end = rstrip_fill(opt, 0, olen);
        if (opt_end < opt_start)
            opt_end = opt_start;
        v[0] = mkstr(s + P->code0, code_end - P->code0);
        v[1] = issuer; issuer = NULL;
        v[2] = PyUnicode_New(p1 - p0, 127);
        if (v[2])
            for (int i = p0; i < p1; i++)
                PyUnicode_1BYTE_DATA(v[2])[i - p0] = nm[i] == '<' ? ' ' : nm[i];
        v[3] = PyUnicode_New(s1 - s0, 127);
        if (v[3])
            for (int i = s0; i < s1; i++)
                PyUnicode_1BYTE_DATA(v[3])[i - s0] = nm[i] == '<' ? ' ' : nm[i];
        v[4] = mkstr(numbuf, number_len);
        v[5] = nationality; nationality = NULL;
        v[6] = PyDate_FromDate(birth_y, birth_m, birth_d);
        v[7] = mkstr(s + P->birth0, 6);
        if (sex == 'M' || sex == 'F' || sex == 'X')
            v[8] = PyUnicode_FromOrdinal((unsigned char)sex);
        else {
            v[8] = Py_None;
            Py_INCREF(Py_None);
        }
        v[9] = PyDate_FromDate(exp_y, exp_m, exp_d);
        v[10] = mkstr(s + P->expiry0, 6);
        v[11] = mkstr(opt + opt_start, opt_end - opt_start);
        if (P->opt2_0 >= 0)
            v[12] = mkstr(s + P->opt2_0, rstrip_fill(s, P->opt2_0, P->opt2_1) - P->opt2_0);
        else {
            v[12] = Py_None;
            Py_INCREF(Py_None);
        }
        v[13] = truncated ? Py_True : Py_False;
        Py_INCREF(v[13]);
        int bad = 0;
        for (int i = 0; i < 14; i++) {
            if (v[i] == NULL)
                bad = 1;
            else
                set_slot(fields, fields_off[i], v[i]);
        }
        if (bad)
            goto fail;
    }

    /* result: valid, format, fields, checks, warnings, errors, corrections, field_validity, lines, mode */
    result = new_instance(result_type);
    if (!result)
        goto fail;
    {
        PyObject *v[10];
        int w = P->width;
        v[0] = valid ? Py_True : Py_False;
        Py_INCREF(v[0]);
        v[1] = P->name;
        Py_INCREF(v[1]);
        v[2] = fields; fields = NULL;
        v[3] = checks; checks = NULL;
        v[4] = warnings; warnings = NULL;
        v[5] = errors; errors = NULL;
        v[6] = PyList_New(0);
        v[7] = validity; validity = NULL;
        v[8] = PyList_New(P->lines);
        if (v[8]) {
            for (int i = 0; i < P->lines; i++) {
                PyObject *line = mkstr(s + i * w, w);
                if (!line) {
                    Py_CLEAR(v[8]);
                    break;
                }
                PyList_SET_ITEM(v[8], i, line);
            }
        }
        v[9] = mode;
        Py_INCREF(mode);
        int bad = 0;
        for (int i = 0; i < 10; i++) {
            if (v[i] == NULL)
                bad = 1;
            else
                set_slot(result, result_off[i], v[i]);
        }
        if (bad)
            goto fail;
    }
    return result;

python_path:
    Py_XDECREF(issuer);
    Py_XDECREF(nationality);
    Py_RETURN_NONE;

fail:
    Py_XDECREF(issuer);
    Py_XDECREF(nationality);
    Py_XDECREF(errors);
    Py_XDECREF(warnings);
    Py_XDECREF(checks);
    Py_XDECREF(validity);
    Py_XDECREF(fields);
    Py_XDECREF(result);
    return NULL;
}

static int member_offset(PyTypeObject *tp, const char *name, Py_ssize_t *off)
{
    PyObject *d = PyObject_GetAttrString((PyObject *)tp, name);
    if (!d)
        return -1;
    if (Py_TYPE(d) != &PyMemberDescr_Type || ((PyMemberDescrObject *)d)->d_member->type != T_OBJECT_EX) {
        Py_DECREF(d);
        PyErr_Format(PyExc_TypeError, "%s.%s is not a __slots__ member", tp->tp_name, name);
        return -1;
    }
    *off = ((PyMemberDescrObject *)d)->d_member->offset;
    Py_DECREF(d);
    return 0;
}

static int fill_table(unsigned char *table, PyObject *keys)
{
    memset(table, 0, 256);
    PyObject *it = PyObject_GetIter(keys), *k;
    if (!it)
        return -1;
    while ((k = PyIter_Next(it))) {
        if (!PyUnicode_Check(k) || PyUnicode_GET_LENGTH(k) != 1 || PyUnicode_READ_CHAR(k, 0) > 255) {
            Py_DECREF(k);
            Py_DECREF(it);
            PyErr_SetString(PyExc_ValueError, "table keys must be single characters");
            return -1;
        }
        table[PyUnicode_READ_CHAR(k, 0)] = 1;
        Py_DECREF(k);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

static PyObject *dict_of(PyObject *const *keys, int n)
{
    PyObject *d = PyDict_New();
    for (int i = 0; d && i < n; i++)
        if (PyDict_SetItem(d, keys[i], Py_True)) {
            Py_CLEAR(d);
        }
    return d;
}

/* setup(plans, result_type, fields_type, result_names, field_names, country_codes, to_letter,
 *       to_digit, alnum_alternatives, check_values)
 * plans: 5 tuples (name, code_problems, ints...) in the order TD1, TD2, TD3, MRVA, MRVB. */
static PyObject *fast_setup(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *plan_seq, *rtype, *ftype, *rnames, *fnames, *cc, *tl, *td, *aa, *values;
    if (!PyArg_ParseTuple(args, "OO!O!OOO!OOOO", &plan_seq, &PyType_Type, &rtype, &PyType_Type, &ftype,
                          &rnames, &fnames, &PyDict_Type, &cc, &tl, &td, &aa, &values))
        return NULL;
    ready = 0;
    if (!PyTuple_Check(plan_seq) || PyTuple_GET_SIZE(plan_seq) != 5 || !PyTuple_Check(rnames) ||
        PyTuple_GET_SIZE(rnames) != 10 || !PyTuple_Check(fnames) || PyTuple_GET_SIZE(fnames) != 14 ||
        !PyDict_Check(values)) {
        PyErr_SetString(PyExc_ValueError, "setup: bad arguments");
        return NULL;
    }
    for (int i = 0; i < 10; i++)
        if (member_offset((PyTypeObject *)rtype, PyUnicode_AsUTF8(PyTuple_GET_ITEM(rnames, i)), &result_off[i]))
            return NULL;
    for (int i = 0; i < 14; i++)
        if (member_offset((PyTypeObject *)ftype, PyUnicode_AsUTF8(PyTuple_GET_ITEM(fnames, i)), &fields_off[i]))
            return NULL;
    memset(VALUE, 255, sizeof VALUE);
    {
        PyObject *k, *v;
        Py_ssize_t pos = 0;
        while (PyDict_Next(values, &pos, &k, &v)) {
            long x = PyLong_AsLong(v);
            if (x == -1 && PyErr_Occurred())
                return NULL;
            if (!PyUnicode_Check(k) || PyUnicode_GET_LENGTH(k) != 1 || PyUnicode_READ_CHAR(k, 0) > 127 || x < 0 || x > 35) {
                PyErr_SetString(PyExc_ValueError, "setup: bad check-digit values");
                return NULL;
            }
            VALUE[PyUnicode_READ_CHAR(k, 0)] = (unsigned char)x;
        }
    }
    if (fill_table(TO_LETTER, tl) || fill_table(TO_DIGIT, td) || fill_table(ALNUM_ALT, aa))
        return NULL;
    if (!PyDict_Check(tl)) {
        PyErr_SetString(PyExc_TypeError, "setup: to_letter must be a dict");
        return NULL;
    }
    memset(TO_LETTER_MAP, 0, sizeof TO_LETTER_MAP);
    {
        PyObject *k, *v;
        Py_ssize_t pos = 0;
        while (PyDict_Next(tl, &pos, &k, &v)) {
            if (!PyUnicode_Check(v) || PyUnicode_GET_LENGTH(v) != 1 || PyUnicode_READ_CHAR(v, 0) > 127) {
                PyErr_SetString(PyExc_ValueError, "setup: to_letter values must be single characters");
                return NULL;
            }
            TO_LETTER_MAP[PyUnicode_READ_CHAR(k, 0)] = (unsigned char)PyUnicode_READ_CHAR(v, 0);
        }
    }
    for (int p = 0; p < 5; p++) {
        PyObject *tup = PyTuple_GET_ITEM(plan_seq, p);
        /* (name, code_problems, ints tuple, composite tuple of (a, b), free tuple) */
        PyObject *name, *problems, *ints, *comp, *free_;
        if (!PyArg_ParseTuple(tup, "UO!O!O!O!", &name, &PyDict_Type, &problems, &PyTuple_Type, &ints,
                              &PyTuple_Type, &comp, &PyTuple_Type, &free_))
            return NULL;
        Plan *P = &plans[p];
        int *dst[] = {&P->total, &P->width, &P->lines, &P->code0, &P->code1, &P->issuer0, &P->issuer1,
                      &P->name0, &P->name1, &P->number0, &P->number1, &P->number_cd, &P->nat0, &P->nat1,
                      &P->birth0, &P->birth1, &P->birth_cd, &P->sex, &P->expiry0, &P->expiry1, &P->expiry_cd,
                      &P->opt0, &P->opt1, &P->opt_cd, &P->opt2_0, &P->opt2_1, &P->comp_cd, &P->long_number};
        int nd = (int)(sizeof dst / sizeof dst[0]);
        if (PyTuple_GET_SIZE(ints) != nd || PyTuple_GET_SIZE(comp) > 4 || PyTuple_GET_SIZE(free_) > MAXT) {
            PyErr_SetString(PyExc_ValueError, "setup: bad plan");
            return NULL;
        }
        for (int i = 0; i < nd; i++) {
            long x = PyLong_AsLong(PyTuple_GET_ITEM(ints, i));
            if (x == -1 && PyErr_Occurred())
                return NULL;
            *dst[i] = (int)x;
        }
        if (P->total > MAXT || P->lines * P->width != P->total || (P->opt_cd >= 0 && P->comp_cd < 0)) {
            PyErr_SetString(PyExc_ValueError, "setup: bad plan size");
            return NULL;
        }
        P->ncomp = (int)PyTuple_GET_SIZE(comp);
        for (int i = 0; i < P->ncomp; i++)
            if (!PyArg_ParseTuple(PyTuple_GET_ITEM(comp, i), "ii", &P->comp0[i], &P->comp1[i]))
                return NULL;
        P->nfree = (int)PyTuple_GET_SIZE(free_);
        for (int i = 0; i < P->nfree; i++)
            P->free_[i] = (int)PyLong_AsLong(PyTuple_GET_ITEM(free_, i));
        if (PyErr_Occurred())
            return NULL;
        Py_INCREF(name);
        Py_XSETREF(P->name, name);
        Py_INCREF(problems);
        Py_XSETREF(P->code_problems, problems);
    }
    Py_INCREF(rtype);
    Py_XSETREF(result_type, (PyTypeObject *)rtype);
    Py_INCREF(ftype);
    Py_XSETREF(fields_type, (PyTypeObject *)ftype);
    Py_INCREF(cc);
    Py_XSETREF(country_codes, cc);

#define KEY(var, text) if (!var && !(var = PyUnicode_InternFromString(text))) return NULL;
    KEY(k_document_number, "document_number");
    KEY(k_birth_date, "birth_date");
    KEY(k_expiry_date, "expiry_date");
    KEY(k_optional_data, "optional_data");
    KEY(k_composite, "composite");
    KEY(k_document_code, "document_code");
    KEY(k_issuing_state, "issuing_state");
    KEY(k_nationality, "nationality");
    KEY(k_names, "names");
    KEY(k_sex, "sex");
#undef KEY
    PyObject *c3[] = {k_document_number, k_birth_date, k_expiry_date};
    PyObject *c4[] = {k_document_number, k_birth_date, k_expiry_date, k_composite};
    PyObject *c5[] = {k_document_number, k_birth_date, k_expiry_date, k_optional_data, k_composite};
    PyObject *fv[] = {k_document_code, k_issuing_state, k_nationality, k_names, k_document_number,
                      k_birth_date, k_expiry_date, k_sex, k_optional_data};
    Py_XSETREF(checks_template3, dict_of(c3, 3));
    Py_XSETREF(checks_template4, dict_of(c4, 4));
    Py_XSETREF(checks_template_opt, dict_of(c5, 5));
    Py_XSETREF(validity_template, dict_of(fv, 9));
    if (!checks_template3 || !checks_template4 || !checks_template_opt || !validity_template)
        return NULL;
    ready = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"read", (PyCFunction)(void (*)(void))fast_read, METH_FASTCALL,
     "read(text, mode, ref, correct_ocr) -> MRZResult or None (use the Python path)"},
    {"setup", fast_setup, METH_VARARGS, "setup(...): layouts and result types from portcullis.documents.parser"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_mrzfast", "Optional C accelerator for portcullis.documents.parser.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__mrzfast(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    return PyModule_Create(&module);
}
