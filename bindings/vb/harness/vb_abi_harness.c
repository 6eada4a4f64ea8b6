/*
 * Calls csmail.dll the way VB's Declare statements (bindings/vb/CSMailDeclares.bas) and the
 * module CSMail.bas do, so the ABI the VB binding relies on is tested without a VB runtime:
 *
 *  - every function is looked up by name (LoadLibrary/GetProcAddress, as Declare ... Lib does)
 *    and called through the types the Declare gives it: ByVal Long = int32_t, ByVal LongPtr =
 *    intptr_t, ByRef Long = int32_t *, ByRef LongPtr = intptr_t *, ByRef Currency = int64_t *;
 *  - with the Windows calling convention (stdcall on 32-bit; the only one on 64-bit), as VB
 *    calls a Declare'd function;
 *  - strings start as UTF-16 (a VB String) and go in as NUL-terminated UTF-8 made by
 *    WideCharToMultiByte, strings out come back through MultiByteToWideChar, as CSMail.bas does;
 *  - the log callback has the shape and convention of a VB procedure given with AddressOf;
 *  - Booleans are VB's True (-1); an array option is a VB array with its spare last element.
 *
 * It sends a message over STARTTLS, finds and fetches it over IMAPS and works a mailbox there
 * as IMAPClient.cls does (list, create, append from a String through the read callback, from a
 * Message and from a file, status, copy, move, flags, search, fetch through the write callback
 * and into a file, expunge, idle, abort from the log callback), checks STARTTLS on the IMAP
 * port, and fetches the message back over POP3S, all against the bundled server.
 *
 *   vb_abi_harness.exe SMTP_PORT POP3S_PORT CA_PATH IMAP_PORT IMAPS_PORT
 *
 * Exit 0 when every check passed; each failed check is printed.
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define VBAPI WINAPI /* stdcall on i686: the convention of VB's Declare and AddressOf */

/* Values from CSMailConstants.bas (generated from the tables). */
#define CSMAIL_OK 0
#define CSMAIL_E_INVALID_ARGUMENT 2
#define CSMAIL_E_BUFFER_TOO_SMALL 3
#define CSMAIL_E_AUTH 11
#define CSMAIL_E_SERVER 12
#define CSMAIL_E_ABORTED 15
#define CSMAIL_PROP_CONNECTED 20
#define CSMAIL_PROP_REPLY_TEXT 22
#define CSMAIL_PROP_CAPABILITIES 24
#define eexImapNo 1801
#define CSMAIL_PROP_HOST 1
#define CSMAIL_PROP_PORT 2
#define CSMAIL_PROP_USER 3
#define CSMAIL_PROP_PASSWORD 4
#define CSMAIL_PROP_REPLY_CODE 21
#define CSMAIL_PROP_TLS_ACTIVE 25
#define MODE_CHANNEL 0
#define MODE_STARTTLS 1
#define SSLNoServerNameCheck 0
#define SSLConnectionProtocolIn 9
#define SSLConnectionProtocolOut 13
#define SSLCAFile 100
#define SSLCertificateStatus 202
#define SSLCertificateSubject 204
#define SSL_TLS12 0x0800
#define SSL_TLS13 0x2000
#define CERTIFICATE_VALID 1
#define eexSmtpServer 1301
#define LOG_F_PROTOCOL 1

static int failures;

#define CHECK(cond, ...)                                 \
    do {                                                 \
        if (!(cond)) {                                   \
            failures++;                                  \
            printf("FAIL %s:%d: ", __FILE__, __LINE__); \
            printf(__VA_ARGS__);                         \
            printf("\n");                                \
        }                                                \
    } while (0)

/* ---- The Declares, as VB sees them ---- */
typedef intptr_t(VBAPI *f_new)(void);
typedef int32_t(VBAPI *f_h)(intptr_t h);
typedef int32_t(VBAPI *f_h_long)(intptr_t h, int32_t v);
typedef int32_t(VBAPI *f_h_long_long)(intptr_t h, int32_t i, int32_t v);
typedef int32_t(VBAPI *f_h_long_ptr)(intptr_t h, int32_t i, intptr_t p);
typedef int32_t(VBAPI *f_h_long_reflong)(intptr_t h, int32_t i, int32_t *out);
typedef int32_t(VBAPI *f_h_ptr)(intptr_t h, intptr_t p);
typedef int32_t(VBAPI *f_h_refptr)(intptr_t h, intptr_t *out);
typedef int32_t(VBAPI *f_h_reflong)(intptr_t h, int32_t *out);
typedef int32_t(VBAPI *f_get_str)(intptr_t h, int32_t i, intptr_t buf, intptr_t len, intptr_t *needed);
typedef int32_t(VBAPI *f_text)(intptr_t h, intptr_t buf, intptr_t len, intptr_t *needed);
typedef int32_t(VBAPI *f_set_array)(intptr_t h, int32_t i, int32_t *first, intptr_t count);
typedef int32_t(VBAPI *f_send_mem)(intptr_t h, intptr_t from, intptr_t rcpts, intptr_t count, intptr_t data, intptr_t len);
typedef int32_t(VBAPI *f_set_cb)(intptr_t h, intptr_t cb, intptr_t userdata);
typedef int32_t(VBAPI *f_stat)(intptr_t h, int32_t *count, int64_t *size_currency);
typedef int32_t(VBAPI *f_retrieve)(intptr_t h, int32_t n, intptr_t *message);
typedef int32_t(VBAPI *f_data)(intptr_t h, intptr_t *data, intptr_t *len);
typedef intptr_t(VBAPI *f_version)(void);
/* IMAPClient.cls's Declares */
typedef int32_t(VBAPI *f_imap_select)(intptr_t h, intptr_t mailbox, int32_t read_only, int32_t *exists, int32_t *recent,
                                      int32_t *uid_validity, int32_t *uid_next);
typedef int32_t(VBAPI *f_imap_list)(intptr_t h, intptr_t reference, intptr_t pattern, intptr_t buf, intptr_t len,
                                    intptr_t *needed);
typedef int32_t(VBAPI *f_imap_status)(intptr_t h, intptr_t mailbox, int32_t *messages, int32_t *unseen, int32_t *uid_next,
                                      int32_t *uid_validity);
typedef int32_t(VBAPI *f_imap_ptr_ptr)(intptr_t h, intptr_t a, intptr_t b);
typedef int32_t(VBAPI *f_imap_ptr_long)(intptr_t h, intptr_t a, int32_t v);
typedef int32_t(VBAPI *f_imap_search)(intptr_t h, intptr_t criteria, int32_t uid, intptr_t buf, intptr_t len,
                                      intptr_t *needed);
typedef int32_t(VBAPI *f_imap_fetch)(intptr_t h, int32_t id, int32_t uid, intptr_t *message);
typedef int32_t(VBAPI *f_imap_fetch_cb)(intptr_t h, int32_t id, int32_t uid, intptr_t section, intptr_t cb, intptr_t userdata);
typedef int32_t(VBAPI *f_imap_fetch_file)(intptr_t h, int32_t id, int32_t uid, intptr_t path);
typedef int32_t(VBAPI *f_imap_store)(intptr_t h, intptr_t set, int32_t uid, int32_t op, intptr_t flags);
typedef int32_t(VBAPI *f_imap_set_mailbox)(intptr_t h, intptr_t set, int32_t uid, intptr_t mailbox);
typedef int32_t(VBAPI *f_imap_append_cb)(intptr_t h, intptr_t mailbox, intptr_t flags, intptr_t size, intptr_t cb,
                                         intptr_t userdata, int32_t *uid);
typedef int32_t(VBAPI *f_imap_append_3)(intptr_t h, intptr_t mailbox, intptr_t flags, intptr_t item, int32_t *uid);
typedef int32_t(VBAPI *f_imap_idle)(intptr_t h, int32_t wait_ms, int32_t *exists, int32_t *changed);

static HMODULE dll;

static FARPROC need(const char *name) {
    FARPROC p = GetProcAddress(dll, name);
    if (!p) {
        printf("FAIL: csmail.dll does not export %s\n", name);
        exit(2);
    }
    return p;
}
#define FN(type, name) ((type)(void (*)(void))need(name))

#if defined(__i386__)
/* VB calls a Declare'd function with stdcall: the callee removes its arguments from the stack.
 * A cdecl export leaves them there; VB then reports "Bad DLL calling convention" (error 49),
 * while C code may not notice (its frame pointer hides the difference). So the harness compares
 * the stack pointer around one call and fails on any difference. */
static int stdcall_balanced(intptr_t ssl) {
    f_h_reflong get_mode = FN(f_h_reflong, "csmail_sslinfo_get_mode");
    int32_t mode = 0;
    uintptr_t before, after;
    __asm__ volatile("mov %%esp, %0" : "=r"(before) : : "memory");
    get_mode(ssl, &mode);
    __asm__ volatile("mov %%esp, %0" : "=r"(after) : : "memory");
    if (before != after)
        printf("FAIL: the stack moved by %ld bytes across a call: csmail.dll does not export stdcall\n",
               (long)(before - after));
    return before == after;
}
#endif

/* ---- CSMail.bas's conversions ---- */
static char *utf8z(const wchar_t *text) { /* Utf8Z */
    int n = WideCharToMultiByte(CP_UTF8, 0, text, (int)wcslen(text), NULL, 0, NULL, NULL);
    char *bytes = calloc((size_t)n + 1, 1);
    WideCharToMultiByte(CP_UTF8, 0, text, (int)wcslen(text), bytes, n, NULL, NULL);
    return bytes;
}

static wchar_t *utf8_to_string(const char *p, int len) { /* Utf8ToString */
    int n = MultiByteToWideChar(CP_UTF8, 0, p, len, NULL, 0);
    wchar_t *s = calloc((size_t)n + 1, sizeof *s);
    MultiByteToWideChar(CP_UTF8, 0, p, len, s, n);
    return s;
}

/* ---- LogHandler: a procedure given with AddressOf raises the event ---- */
struct log_state {
    int lines;
    int saw_starttls;
    int saw_password;
    int saw_redacted;
};

static void VBAPI CSMailLogCallback(intptr_t userdata, int32_t severity, int32_t facility, intptr_t message) {
    struct log_state *log = (struct log_state *)userdata;
    wchar_t *text = utf8_to_string((const char *)message, (int)strlen((const char *)message));
    (void)severity;
    (void)facility;
    log->lines++;
    if (wcsstr(text, L"C: STARTTLS")) log->saw_starttls = 1;
    if (wcsstr(text, L"p\u00e4ssw\u00f6rd")) log->saw_password = 1;
    if (wcsstr(text, L"<redacted>")) log->saw_redacted = 1;
    free(text);
}

/* ---- IMAPClient.cls ---- */

/* CSMailImapWriteCallback -> IMAPClient.Received: appends to a growing buffer (m_data, m_used). */
struct sink {
    char *data;
    size_t used, room;
    int calls;
};

static int32_t VBAPI CSMailImapWriteCallback(intptr_t userdata, intptr_t data, intptr_t len) {
    struct sink *s = (struct sink *)userdata;
    if (s->used + (size_t)len > s->room) {
        while (s->used + (size_t)len > s->room) s->room = s->room ? 2 * s->room : 16384;
        s->data = realloc(s->data, s->room);
    }
    memcpy(s->data + s->used, (const void *)data, (size_t)len);
    s->used += (size_t)len;
    s->calls++;
    return 0;
}

/* CSMailImapReadCallback -> IMAPClient.Supply: the next bytes of m_source (Utf8Z's bytes
 * without the NUL). */
struct source {
    const char *bytes;
    size_t size, sent;
};

static int32_t VBAPI CSMailImapReadCallback(intptr_t userdata, intptr_t buf, intptr_t capacity, intptr_t *count) {
    struct source *s = (struct source *)userdata;
    size_t n = s->size - s->sent;
    if (n > (size_t)capacity) n = (size_t)capacity;
    memcpy((void *)buf, s->bytes + s->sent, n);
    s->sent += n;
    *count = (intptr_t)n;
    return 0;
}

/* IMAPClient.TextResult: a 64 KiB buffer, grown once to the size csmail asks for. */
static wchar_t *imap_text(int list, intptr_t imap, intptr_t a, intptr_t b, int32_t uid, int32_t *rc_out) {
    intptr_t needed = 0, len = 65536;
    char *buf = malloc((size_t)len);
    int32_t rc;
    for (;;) {
        if (list)
            rc = FN(f_imap_list, "csmail_imap_list")(imap, a, b, (intptr_t)buf, len, &needed);
        else
            rc = FN(f_imap_search, "csmail_imap_search")(imap, a, uid, (intptr_t)buf, len, &needed);
        if (rc != CSMAIL_E_BUFFER_TOO_SMALL) break;
        len = needed;
        buf = realloc(buf, (size_t)len);
    }
    *rc_out = rc;
    wchar_t *text = rc == CSMAIL_OK ? utf8_to_string(buf, (int)needed - 1) : utf8_to_string("", 0);
    free(buf);
    return text;
}

static wchar_t *imap_search(intptr_t imap, const wchar_t *criteria, int32_t uid) { /* imap.Search */
    char *c8 = utf8z(criteria);
    int32_t rc;
    wchar_t *text = imap_text(0, imap, (intptr_t)c8, 0, uid, &rc);
    CHECK(rc == CSMAIL_OK, "Search %ls: %d", criteria, (int)rc);
    free(c8);
    return text;
}

/* The LogHandler of the Idle test: an OnLogMessage handler that calls imap.Abort once IDLE is
 * on the wire, as a VB program that stops waiting from its event handler does. */
struct idle_log {
    intptr_t imap;
    int aborted;
};

static void VBAPI IdleLogCallback(intptr_t userdata, int32_t severity, int32_t facility, intptr_t message) {
    struct idle_log *log = (struct idle_log *)userdata;
    (void)severity;
    (void)facility;
    if (!log->aborted && strstr((const char *)message, "C: ") && strstr((const char *)message, " IDLE")) {
        log->aborted = 1;
        CHECK(FN(f_h, "csmail_imap_abort")(log->imap) == CSMAIL_OK, "Abort from OnLogMessage");
    }
}

/* The whole message of the SMTP part, as IMAP finds it in INBOX: its bytes end with the ones
 * sent (the server puts its trace headers before them). */
static int ends_with(const char *data, size_t len, const char *tail) {
    size_t n = strlen(tail);
    return len >= n && memcmp(data + len - n, tail, n) == 0;
}

static void imap_checks(int32_t imap_port, int32_t imaps_port, const char *ca8, const char *sent) {
    const int bits = (int)(8 * sizeof(void *));
    int32_t rc;

    /* Dim imap As New IMAPClient: imap.SetAdvancedHandler ssl (MODE_CHANNEL, 993-style IMAPS) */
    intptr_t ssl = FN(f_new, "csmail_sslinfo_new")();
    FN(f_h_long, "csmail_sslinfo_set_mode")(ssl, MODE_CHANNEL);
    FN(f_h_long_ptr, "csmail_sslinfo_set_str")(ssl, SSLCAFile, (intptr_t)ca8);
    intptr_t imap = FN(f_new, "csmail_imap_new")();
    f_h_long_ptr set_str = FN(f_h_long_ptr, "csmail_imap_set_str");
    f_h_long_reflong get_int = FN(f_h_long_reflong, "csmail_imap_get_int");
    char *host = utf8z(L"localhost"), *alice = utf8z(L"alice"), *alicepass = utf8z(L"alicepass");
    CHECK(set_str(imap, CSMAIL_PROP_HOST, (intptr_t)host) == CSMAIL_OK, "imap.Host");
    CHECK(FN(f_h_long_long, "csmail_imap_set_int")(imap, CSMAIL_PROP_PORT, imaps_port) == CSMAIL_OK, "imap.Port");
    CHECK(set_str(imap, CSMAIL_PROP_USER, (intptr_t)alice) == CSMAIL_OK, "imap.User");
    CHECK(set_str(imap, CSMAIL_PROP_PASSWORD, (intptr_t)alicepass) == CSMAIL_OK, "imap.Password");
    CHECK(FN(f_h_ptr, "csmail_imap_set_advanced_handler")(imap, ssl) == CSMAIL_OK, "imap.SetAdvancedHandler");
    rc = FN(f_h, "csmail_imap_connect")(imap);
    CHECK(rc == CSMAIL_OK, "imap.Connect: %d", (int)rc);
    int32_t value = 0;
    get_int(imap, CSMAIL_PROP_TLS_ACTIVE, &value);
    CHECK(value == 1, "imap.TlsActive %d", (int)value);
    get_int(imap, CSMAIL_PROP_CONNECTED, &value);
    CHECK(value == 1, "imap.Connected %d", (int)value);
    /* ClientGetString: a 256-byte buffer, then the size csmail asks for */
    intptr_t needed = 0;
    char small[256];
    rc = FN(f_get_str, "csmail_imap_get_str")(imap, CSMAIL_PROP_CAPABILITIES, (intptr_t)small, sizeof small, &needed);
    char *caps = calloc((size_t)needed, 1);
    if (rc == CSMAIL_OK) memcpy(caps, small, (size_t)needed);
    else if (rc == CSMAIL_E_BUFFER_TOO_SMALL)
        rc = FN(f_get_str, "csmail_imap_get_str")(imap, CSMAIL_PROP_CAPABILITIES, (intptr_t)caps, needed, &needed);
    CHECK(rc == CSMAIL_OK && strstr(caps, "IMAP4rev1\n") && strstr(caps, "\nUIDPLUS") && strstr(caps, "\nMOVE"),
          "imap.Capabilities (%d): %s", (int)rc, caps);

    /* imap.Select "INBOX": the message the SMTP part sent, alone there */
    f_imap_select select = FN(f_imap_select, "csmail_imap_select");
    int32_t exists = -1, recent = -1, uid_validity = 0, uid_next = 0;
    char *inbox = utf8z(L"INBOX");
    rc = select(imap, (intptr_t)inbox, 0, &exists, &recent, &uid_validity, &uid_next);
    CHECK(rc == CSMAIL_OK && exists == 1 && uid_validity != 0 && uid_next >= 2,
          "Select INBOX: %d, exists %d uidvalidity %d uidnext %d", (int)rc, (int)exists, (int)uid_validity, (int)uid_next);
    wchar_t *found = imap_search(imap, L"FROM \"a@example.com\"", 0);
    CHECK(wcscmp(found, L"1") == 0, "Search FROM: \"%ls\"", found);
    wchar_t *uids = imap_search(imap, L"UNSEEN", -1 /* UseUid:=True */);
    int32_t uid = (int32_t)wcstoul(uids, NULL, 10);
    CHECK(uid > 0 && uid < uid_next && wcschr(uids, L' ') == NULL, "Search UNSEEN by UID: \"%ls\"", uids);
    wchar_t *none = imap_search(imap, L"SUBJECT \"no such subject\"", 0);
    CHECK(wcscmp(none, L"") == 0, "Search that finds nothing: \"%ls\"", none);
    /* The retry of TextResult: a buffer of 1 byte is too small for "1" and its NUL */
    char *criteria = utf8z(L"ALL"), tiny[1];
    rc = FN(f_imap_search, "csmail_imap_search")(imap, (intptr_t)criteria, 0, (intptr_t)tiny, 1, &needed);
    CHECK(rc == CSMAIL_E_BUFFER_TOO_SMALL && needed == 2, "Search into 1 byte: %d, needs %ld", (int)rc, (long)needed);

    /* imap.Fetch(uid, True) -> Message; FetchData through the write callback; FetchToFile */
    intptr_t message = 0, bytes = 0, length = 0;
    rc = FN(f_imap_fetch, "csmail_imap_fetch")(imap, uid, -1, &message);
    CHECK(rc == CSMAIL_OK && message != 0, "Fetch by UID: %d", (int)rc);
    FN(f_data, "csmail_message_data")(message, &bytes, &length);
    CHECK(ends_with((const char *)bytes, (size_t)length, sent), "Fetch: the bytes sent end the message (%ld bytes)",
          (long)length);
    struct sink whole = {NULL, 0, 0, 0}, header = {NULL, 0, 0, 0};
    f_imap_fetch_cb fetch_cb = FN(f_imap_fetch_cb, "csmail_imap_fetch_cb");
    char *all = utf8z(L""), *hdr = utf8z(L"HEADER");
    rc = fetch_cb(imap, 1, 0, (intptr_t)all, (intptr_t)CSMailImapWriteCallback, (intptr_t)&whole);
    CHECK(rc == CSMAIL_OK && whole.used == (size_t)length && memcmp(whole.data, (const void *)bytes, whole.used) == 0,
          "FetchData 1: %d, %lu bytes in %d calls", (int)rc, (unsigned long)whole.used, whole.calls);
    rc = fetch_cb(imap, uid, -1, (intptr_t)hdr, (intptr_t)CSMailImapWriteCallback, (intptr_t)&header);
    const char *body_at = strstr(whole.data ? whole.data : "", "\r\n\r\n");
    CHECK(rc == CSMAIL_OK && body_at && header.used == (size_t)(body_at + 4 - whole.data) &&
              memcmp(header.data, whole.data, header.used) == 0,
          "FetchData HEADER: %d, %lu bytes", (int)rc, (unsigned long)header.used);
    wchar_t path[MAX_PATH];
    GetTempPathW(MAX_PATH, path);
    wcscat(path, bits == 64 ? L"csmail-vb-\u00e4-64.eml" : L"csmail-vb-\u00e4-32.eml");
    char *path8 = utf8z(path);
    rc = FN(f_imap_fetch_file, "csmail_imap_fetch_file")(imap, uid, -1, (intptr_t)path8);
    CHECK(rc == CSMAIL_OK, "FetchToFile: %d", (int)rc);
    FILE *file = _wfopen(path, L"rb");
    char *on_disk = calloc((size_t)length + 1, 1);
    size_t read = file ? fread(on_disk, 1, (size_t)length + 1, file) : 0;
    if (file) fclose(file);
    CHECK(read == (size_t)length && memcmp(on_disk, (const void *)bytes, read) == 0, "the file has %lu bytes",
          (unsigned long)read);
    /* Fetch left it unseen (BODY.PEEK) */
    wchar_t *unseen = imap_search(imap, L"UNSEEN", 0);
    CHECK(wcscmp(unseen, L"1") == 0, "still unseen after the fetches: \"%ls\"", unseen);

    /* imap.CreateMailbox "VB ä 64" (modified UTF-7 on the wire), List, Subscribe */
    const wchar_t *wbox = bits == 64 ? L"VB \u00e4 64" : L"VB \u00e4 32";
    const wchar_t *warchive = bits == 64 ? L"VB archive 64" : L"VB archive 32";
    char *box = utf8z(wbox), *archive = utf8z(warchive);
    CHECK(FN(f_h_ptr, "csmail_imap_create")(imap, (intptr_t)box) == CSMAIL_OK, "CreateMailbox %ls", wbox);
    CHECK(FN(f_h_ptr, "csmail_imap_create")(imap, (intptr_t)archive) == CSMAIL_OK, "CreateMailbox %ls", warchive);
    char *empty = utf8z(L""), *star = utf8z(L"*");
    wchar_t *list = imap_text(1, imap, (intptr_t)empty, (intptr_t)star, 0, &rc);
    wchar_t line[64];
    swprintf(line, 64, L"\n%ls\n", wbox);
    wchar_t listed[1024];
    swprintf(listed, 1024, L"\n%ls\n", list);
    CHECK(rc == CSMAIL_OK && wcsstr(listed, L"\nINBOX\n") && wcsstr(listed, line), "List: %d \"%ls\"", (int)rc, list);
    CHECK(FN(f_imap_ptr_long, "csmail_imap_subscribe")(imap, (intptr_t)box, -1) == CSMAIL_OK, "Subscribe");

    /* imap.Append box, text, "\Seen": the String's UTF-8 through the read callback */
    const wchar_t *wtext = L"From: VB <vb@example.com>\r\nSubject: Append \u00fc \u4f60\u597d\r\n\r\nAppended from a String.\r\n";
    char *text8 = utf8z(wtext), *seen = utf8z(L"\\Seen");
    struct source src = {text8, strlen(text8), 0};
    int32_t new_uid = -1;
    rc = FN(f_imap_append_cb, "csmail_imap_append_cb")(imap, (intptr_t)box, (intptr_t)seen, (intptr_t)strlen(text8),
                                                      (intptr_t)CSMailImapReadCallback, (intptr_t)&src, &new_uid);
    CHECK(rc == CSMAIL_OK && new_uid == 1 && src.sent == strlen(text8), "Append: %d, UID %d", (int)rc, (int)new_uid);
    /* imap.AppendMessage box, fetched: the Message's handle; imap.AppendFile box, path */
    rc = FN(f_imap_append_3, "csmail_imap_append_message")(imap, (intptr_t)box, (intptr_t)empty, message, &new_uid);
    CHECK(rc == CSMAIL_OK && new_uid == 2, "AppendMessage: %d, UID %d", (int)rc, (int)new_uid);
    rc = FN(f_imap_append_3, "csmail_imap_append_file")(imap, (intptr_t)box, (intptr_t)empty, (intptr_t)path8, &new_uid);
    CHECK(rc == CSMAIL_OK && new_uid == 3, "AppendFile: %d, UID %d", (int)rc, (int)new_uid);
    f_imap_status status = FN(f_imap_status, "csmail_imap_status");
    int32_t messages = -1, unseen_n = -1, next = -1, validity = 0;
    rc = status(imap, (intptr_t)box, &messages, &unseen_n, &next, &validity);
    CHECK(rc == CSMAIL_OK && messages == 3 && unseen_n == 2 && next == 4 && validity != 0,
          "Status: %d, messages %d unseen %d uidnext %d", (int)rc, (int)messages, (int)unseen_n, (int)next);

    /* imap.Copy "1", box (from INBOX); a missing mailbox: [TRYCREATE] in ExtendedError */
    f_imap_set_mailbox copy = FN(f_imap_set_mailbox, "csmail_imap_copy");
    char *first = utf8z(L"1"), *nowhere = utf8z(L"No such mailbox");
    CHECK(copy(imap, (intptr_t)first, 0, (intptr_t)box) == CSMAIL_OK, "Copy 1");
    rc = copy(imap, (intptr_t)first, 0, (intptr_t)nowhere);
    intptr_t info = 0;
    int32_t number = 0;
    FN(f_h_refptr, "csmail_imap_extended_error")(imap, &info);
    FN(f_h_reflong, "csmail_errorinfo_number")(info, &number);
    f_text info_text = FN(f_text, "csmail_errorinfo_text");
    info_text(info, 0, 0, &needed);
    char *etext = calloc((size_t)needed, 1);
    info_text(info, (intptr_t)etext, needed, &needed);
    CHECK(rc == CSMAIL_E_SERVER && number == eexImapNo && strstr(etext, "[TRYCREATE]"),
          "Copy to a missing mailbox: %d, eex %d, %s", (int)rc, (int)number, etext);
    FN(f_h, "csmail_errorinfo_release")(info);
    /* A NULL mailbox (a VB caller cannot make one, but C can): refused before the wire */
    rc = select(imap, 0, 0, &exists, NULL, NULL, NULL);
    CHECK(rc == CSMAIL_E_INVALID_ARGUMENT, "Select NULL: %d", (int)rc);

    /* imap.Examine box: read-only; imap.Select box */
    rc = select(imap, (intptr_t)box, 1, &exists, &recent, &uid_validity, &uid_next);
    CHECK(rc == CSMAIL_OK && exists == 4 && uid_next == 5, "Examine: %d, exists %d uidnext %d", (int)rc, (int)exists,
          (int)uid_next);
    /* imap.FetchText(1, , True): what Append's read callback gave, byte for byte */
    struct sink appended = {NULL, 0, 0, 0};
    rc = fetch_cb(imap, 1, -1, (intptr_t)all, (intptr_t)CSMailImapWriteCallback, (intptr_t)&appended);
    CHECK(rc == CSMAIL_OK && appended.used == strlen(text8) && memcmp(appended.data, text8, appended.used) == 0,
          "FetchData of the appended String: %d, %lu bytes", (int)rc, (unsigned long)appended.used);
    rc = select(imap, (intptr_t)box, 0, &exists, &recent, &uid_validity, &uid_next);
    CHECK(rc == CSMAIL_OK && exists == 4, "Select: %d, exists %d", (int)rc, (int)exists);
    wchar_t *seen_ones = imap_search(imap, L"SEEN", -1);
    CHECK(wcscmp(seen_ones, L"1") == 0, "the \\Seen of Append: \"%ls\"", seen_ones);

    /* imap.StoreFlags "1:2", "\Flagged" (Mode 1 adds, -1 removes, 0 replaces) */
    f_imap_store store = FN(f_imap_store, "csmail_imap_store_flags");
    char *one_two = utf8z(L"1:2"), *flagged = utf8z(L"\\Flagged"), *deleted = utf8z(L"\\Deleted");
    CHECK(store(imap, (intptr_t)one_two, 0, 1, (intptr_t)flagged) == CSMAIL_OK, "StoreFlags add");
    wchar_t *flagged_ids = imap_search(imap, L"FLAGGED", 0);
    CHECK(wcscmp(flagged_ids, L"1 2") == 0, "FLAGGED after adding: \"%ls\"", flagged_ids);
    CHECK(store(imap, (intptr_t)first, -1, -1, (intptr_t)flagged) == CSMAIL_OK, "StoreFlags remove by UID");
    wchar_t *flagged_after = imap_search(imap, L"FLAGGED", -1);
    CHECK(wcscmp(flagged_after, L"2") == 0, "FLAGGED after removing: \"%ls\"", flagged_after);

    /* imap.MoveMessages "3:4", archive; then \Deleted and Expunge; UID EXPUNGE */
    char *three_four = utf8z(L"3:4"), *uid_two = utf8z(L"2");
    CHECK(FN(f_imap_set_mailbox, "csmail_imap_move")(imap, (intptr_t)three_four, 0, (intptr_t)archive) == CSMAIL_OK,
          "MoveMessages");
    rc = status(imap, (intptr_t)archive, &messages, NULL, NULL, NULL);
    CHECK(rc == CSMAIL_OK && messages == 2, "Status archive: %d, %d messages", (int)rc, (int)messages);
    CHECK(store(imap, (intptr_t)first, 0, 0, (intptr_t)deleted) == CSMAIL_OK, "StoreFlags replace");
    CHECK(FN(f_h_ptr, "csmail_imap_expunge")(imap, 0) == CSMAIL_OK, "Expunge");
    CHECK(FN(f_h, "csmail_imap_noop")(imap) == CSMAIL_OK, "Noop");
    wchar_t *left = imap_search(imap, L"ALL", -1);
    CHECK(wcscmp(left, L"2") == 0, "UIDs after Expunge: \"%ls\"", left);
    CHECK(store(imap, (intptr_t)uid_two, -1, 1, (intptr_t)deleted) == CSMAIL_OK, "StoreFlags \\Deleted by UID");
    CHECK(FN(f_h_ptr, "csmail_imap_expunge")(imap, (intptr_t)uid_two) == CSMAIL_OK, "Expunge UID 2");
    wchar_t *gone = imap_search(imap, L"ALL", 0);
    CHECK(wcscmp(gone, L"") == 0, "after UID EXPUNGE: \"%ls\"", gone);

    /* imap.Idle 1000: nothing changes in the box, so it runs out */
    int32_t changed = -1;
    exists = -1;
    rc = FN(f_imap_idle, "csmail_imap_idle")(imap, 1000, &exists, &changed);
    CHECK(rc == CSMAIL_OK && changed == 0 && exists == 0, "Idle: %d, changed %d exists %d", (int)rc, (int)changed,
          (int)exists);

    /* imap.CloseMailbox; RenameMailbox; Subscribe box, False; DeleteMailbox both */
    CHECK(FN(f_h_long, "csmail_imap_close_mailbox")(imap, 0) == CSMAIL_OK, "CloseMailbox");
    const wchar_t *wrenamed = bits == 64 ? L"VB \u00f6 64" : L"VB \u00f6 32";
    char *renamed = utf8z(wrenamed);
    CHECK(FN(f_imap_ptr_ptr, "csmail_imap_rename")(imap, (intptr_t)box, (intptr_t)renamed) == CSMAIL_OK, "RenameMailbox");
    rc = status(imap, (intptr_t)renamed, &messages, NULL, NULL, NULL);
    CHECK(rc == CSMAIL_OK && messages == 0, "Status renamed: %d, %d", (int)rc, (int)messages);
    CHECK(FN(f_imap_ptr_long, "csmail_imap_subscribe")(imap, (intptr_t)renamed, 0) == CSMAIL_OK, "Unsubscribe");
    CHECK(FN(f_h_ptr, "csmail_imap_delete")(imap, (intptr_t)renamed) == CSMAIL_OK, "DeleteMailbox renamed");
    CHECK(FN(f_h_ptr, "csmail_imap_delete")(imap, (intptr_t)archive) == CSMAIL_OK, "DeleteMailbox archive");
    wchar_t *list_after = imap_text(1, imap, (intptr_t)empty, (intptr_t)star, 0, &rc);
    CHECK(rc == CSMAIL_OK && wcscmp(list_after, L"INBOX") == 0, "List after deleting: %d \"%ls\"", (int)rc, list_after);

    /* A failure: Select of a missing mailbox gives eexImapNo with the server's words */
    rc = select(imap, (intptr_t)nowhere, 0, &exists, NULL, NULL, NULL);
    CHECK(rc == CSMAIL_E_SERVER, "Select a missing mailbox: %d", (int)rc);

    /* imap.Abort from OnLogMessage while Idle waits (a minute, were it not aborted) */
    struct idle_log ilog = {imap, 0};
    intptr_t loghandler = FN(f_new, "csmail_loghandler_new")();
    FN(f_set_cb, "csmail_loghandler_set_callback")(loghandler, (intptr_t)IdleLogCallback, (intptr_t)&ilog);
    CHECK(FN(f_h, "csmail_imap_disconnect")(imap) == CSMAIL_OK, "Disconnect");
    CHECK(FN(f_h_ptr, "csmail_imap_set_advanced_handler")(imap, loghandler) == CSMAIL_OK, "SetAdvancedHandler log");
    CHECK(FN(f_h, "csmail_imap_connect")(imap) == CSMAIL_OK, "Connect with the LogHandler");
    CHECK(select(imap, (intptr_t)inbox, 1, &exists, NULL, NULL, NULL) == CSMAIL_OK && exists == 1, "Examine INBOX");
    rc = FN(f_imap_idle, "csmail_imap_idle")(imap, 60000, &exists, &changed);
    CHECK(rc == CSMAIL_E_ABORTED && ilog.aborted == 1, "Idle aborted: %d (abort called %d)", (int)rc, ilog.aborted);
    /* IDLE ends in order (DONE, the server's OK): the session goes on */
    get_int(imap, CSMAIL_PROP_CONNECTED, &value);
    CHECK(value == 1, "Connected after Abort of Idle: %d", (int)value);
    CHECK(FN(f_h, "csmail_imap_noop")(imap) == CSMAIL_OK, "Noop after Abort of Idle");
    CHECK(FN(f_h, "csmail_imap_disconnect")(imap) == CSMAIL_OK, "Disconnect after Abort");
    FN(f_h_ptr, "csmail_imap_remove_advanced_handler")(imap, loghandler);
    FN(f_set_cb, "csmail_loghandler_set_callback")(loghandler, 0, 0);
    FN(f_h, "csmail_loghandler_release")(loghandler);

    /* MODE_STARTTLS on the plain IMAP port: encrypted before LOGIN */
    FN(f_h_long, "csmail_sslinfo_set_mode")(ssl, MODE_STARTTLS);
    FN(f_h_long_long, "csmail_imap_set_int")(imap, CSMAIL_PROP_PORT, imap_port);
    rc = FN(f_h, "csmail_imap_connect")(imap);
    get_int(imap, CSMAIL_PROP_TLS_ACTIVE, &value);
    CHECK(rc == CSMAIL_OK && value == 1, "imap.Connect with STARTTLS: %d, TlsActive %d", (int)rc, (int)value);
    CHECK(FN(f_h, "csmail_imap_disconnect")(imap) == CSMAIL_OK, "Disconnect");
    get_int(imap, CSMAIL_PROP_CONNECTED, &value);
    CHECK(value == 0, "Connected after Disconnect: %d", (int)value);

    DeleteFileW(path);
    FN(f_h, "csmail_message_release")(message);
    FN(f_h, "csmail_imap_release")(imap);
    FN(f_h, "csmail_sslinfo_release")(ssl);
    printf("IMAP: %d write callbacks for %lu bytes\n", whole.calls, (unsigned long)whole.used);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s SMTP_PORT POP3S_PORT CA_PATH IMAP_PORT IMAPS_PORT\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0); /* each line as it happens, also when wine is stopped */
    int32_t smtp_port = atoi(argv[1]), pop3s_port = atoi(argv[2]), imap_port = atoi(argv[4]), imaps_port = atoi(argv[5]);
    wchar_t ca[MAX_PATH];
    MultiByteToWideChar(CP_ACP, 0, argv[3], -1, ca, MAX_PATH);

    dll = LoadLibraryW(L"csmail.dll");
    if (!dll) {
        printf("FAIL: LoadLibrary(csmail.dll): error %lu\n", (unsigned long)GetLastError());
        return 2;
    }
    printf("csmail.dll %s, %d-bit\n", (const char *)FN(f_version, "csmail_version")(), (int)(8 * sizeof(void *)));

    /* Dim ssl As New SSLInfo: ssl.Mode = MODE_STARTTLS: ssl.Option(SSLNoServerNameCheck) = True */
    intptr_t ssl = FN(f_new, "csmail_sslinfo_new")();
#if defined(__i386__)
    if (!stdcall_balanced(ssl)) return 1;
#endif
    CHECK(FN(f_h_long, "csmail_sslinfo_set_mode")(ssl, MODE_STARTTLS) == CSMAIL_OK, "Mode");
    CHECK(FN(f_h_long_long, "csmail_sslinfo_set_int")(ssl, SSLNoServerNameCheck, -1 /* VB True */) == CSMAIL_OK, "True");
    int32_t flag = 0;
    FN(f_h_long_reflong, "csmail_sslinfo_get_int")(ssl, SSLNoServerNameCheck, &flag);
    CHECK(flag == 1, "Option(SSLNoServerNameCheck) reads back %d", (int)flag);
    char *ca8 = utf8z(ca);
    CHECK(FN(f_h_long_ptr, "csmail_sslinfo_set_str")(ssl, SSLCAFile, (intptr_t)ca8) == CSMAIL_OK, "SSLCAFile");
    /* Dim protocols(2) As Long: protocols(0) = SSL_TLS12: protocols(1) = SSL_TLS13 (element 2 spare) */
    int32_t protocols[3] = {SSL_TLS12, SSL_TLS13, 0};
    CHECK(FN(f_set_array, "csmail_sslinfo_set_int_array")(ssl, SSLConnectionProtocolIn, &protocols[0], 2) == CSMAIL_OK,
          "protocols");

    struct log_state log = {0, 0, 0, 0};
    intptr_t loghandler = FN(f_new, "csmail_loghandler_new")();
    CHECK(FN(f_set_cb, "csmail_loghandler_set_callback")(loghandler, (intptr_t)CSMailLogCallback, (intptr_t)&log) == CSMAIL_OK,
          "callback");

    /* Dim smtp As New SMTPClient: smtp.SetAdvancedHandler ssl ... */
    intptr_t smtp = FN(f_new, "csmail_smtp_new")();
    f_h_long_ptr smtp_set_str = FN(f_h_long_ptr, "csmail_smtp_set_str");
    char *host = utf8z(L"localhost"), *user = utf8z(L"j\u00f6rg"), *password = utf8z(L"p\u00e4ssw\u00f6rd");
    CHECK(smtp_set_str(smtp, CSMAIL_PROP_HOST, (intptr_t)host) == CSMAIL_OK, "Host");
    CHECK(FN(f_h_long_long, "csmail_smtp_set_int")(smtp, CSMAIL_PROP_PORT, smtp_port) == CSMAIL_OK, "Port");
    CHECK(smtp_set_str(smtp, CSMAIL_PROP_USER, (intptr_t)user) == CSMAIL_OK, "User");
    CHECK(smtp_set_str(smtp, CSMAIL_PROP_PASSWORD, (intptr_t)password) == CSMAIL_OK, "Password");
    CHECK(FN(f_h_ptr, "csmail_smtp_set_advanced_handler")(smtp, ssl) == CSMAIL_OK, "SetAdvancedHandler ssl");
    CHECK(FN(f_h_ptr, "csmail_smtp_set_advanced_handler")(smtp, loghandler) == CSMAIL_OK, "SetAdvancedHandler log");
    int32_t rc = FN(f_h, "csmail_smtp_connect")(smtp);
    CHECK(rc == CSMAIL_OK, "smtp.Connect: %d", (int)rc);
    int32_t tls = 0;
    FN(f_h_long_reflong, "csmail_smtp_get_int")(smtp, CSMAIL_PROP_TLS_ACTIVE, &tls);
    CHECK(tls == 1, "TlsActive %d", (int)tls);
    CHECK(log.saw_starttls && log.saw_redacted && !log.saw_password, "log: STARTTLS %d, redacted %d, password %d",
          log.saw_starttls, log.saw_redacted, log.saw_password);

    /* ssl.Option(SSLCertificateSubject), ssl.Option(SSLCertificateStatus) */
    int32_t status = 0, protocol = 0;
    FN(f_h_long_reflong, "csmail_sslinfo_get_int")(ssl, SSLCertificateStatus, &status);
    FN(f_h_long_reflong, "csmail_sslinfo_get_int")(ssl, SSLConnectionProtocolOut, &protocol);
    CHECK(status == CERTIFICATE_VALID, "CertificateStatus %d", (int)status);
    CHECK(protocol == SSL_TLS12 || protocol == SSL_TLS13, "protocol %d", (int)protocol);
    intptr_t needed = 0;
    f_get_str ssl_get_str = FN(f_get_str, "csmail_sslinfo_get_str");
    ssl_get_str(ssl, SSLCertificateSubject, 0, 0, &needed);
    CHECK(needed > 1, "subject size %ld", (long)needed);
    char *subject = calloc((size_t)needed, 1);
    CHECK(ssl_get_str(ssl, SSLCertificateSubject, (intptr_t)subject, needed, &needed) == CSMAIL_OK, "subject");
    CHECK(strstr(subject, "CN=") != NULL, "subject %s", subject);

    /* smtp.Send "a@example.com", recipients, text - a UTF-16 message made UTF-8 */
    const wchar_t *text = L"From: J\u00f6rg <a@example.com>\r\nSubject: VB \u00e4\u00f6\u00fc \u4f60\u597d\r\n\r\n"
                          L"Gr\u00fc\u00dfe aus dem Harness.\r\n";
    char *from = utf8z(L"a@example.com"), *rcpt = utf8z(L"alice@example.com");
    intptr_t recipients[1] = {(intptr_t)rcpt}; /* AddressList: Pointers(0) */
    char *data = utf8z(text);
    rc = FN(f_send_mem, "csmail_smtp_send_mem")(smtp, (intptr_t)from, (intptr_t)&recipients[0], 1, (intptr_t)data,
                                                (intptr_t)strlen(data));
    CHECK(rc == CSMAIL_OK, "smtp.Send: %d", (int)rc);
    int32_t reply = 0;
    FN(f_h_long_reflong, "csmail_smtp_get_int")(smtp, CSMAIL_PROP_REPLY_CODE, &reply);
    CHECK(reply == 250, "ReplyCode %d", (int)reply);
    CHECK(FN(f_h, "csmail_smtp_disconnect")(smtp) == CSMAIL_OK, "Disconnect");

    /* Dim imap As New IMAPClient: the message is in INBOX */
    imap_checks(imap_port, imaps_port, ca8, data);

    /* A failure: smtp.ExtendedError.Number after a refused login */
    char *wrong = utf8z(L"falsch");
    smtp_set_str(smtp, CSMAIL_PROP_PASSWORD, (intptr_t)wrong);
    rc = FN(f_h, "csmail_smtp_connect")(smtp);
    CHECK(rc == CSMAIL_E_AUTH, "wrong password gives %d", (int)rc);
    intptr_t info = 0;
    int32_t number = 0, oserror = -1;
    CHECK(FN(f_h_refptr, "csmail_smtp_extended_error")(smtp, &info) == CSMAIL_OK && info != 0, "ExtendedError");
    FN(f_h_reflong, "csmail_errorinfo_number")(info, &number);
    FN(f_h_reflong, "csmail_errorinfo_os_error")(info, &oserror);
    CHECK(number == eexSmtpServer && oserror == 0, "ExtendedError.Number %d OSError %d", (int)number, (int)oserror);
    f_text info_text = FN(f_text, "csmail_errorinfo_text");
    info_text(info, 0, 0, &needed);
    char *etext = calloc((size_t)needed, 1);
    info_text(info, (intptr_t)etext, needed, &needed);
    wchar_t *wtext = utf8_to_string(etext, (int)strlen(etext));
    CHECK(wcsstr(wtext, L"535") != NULL, "ExtendedError.Text: %s", etext);
    FN(f_h, "csmail_errorinfo_release")(info);
    FN(f_h, "csmail_smtp_release")(smtp);

    /* Dim pop3 As New POP3Client over POP3S; GetMessage finds the message */
    intptr_t pssl = FN(f_new, "csmail_sslinfo_new")();
    FN(f_h_long, "csmail_sslinfo_set_mode")(pssl, MODE_CHANNEL);
    FN(f_h_long_ptr, "csmail_sslinfo_set_str")(pssl, SSLCAFile, (intptr_t)ca8);
    intptr_t pop3 = FN(f_new, "csmail_pop3_new")();
    f_h_long_ptr pop3_set_str = FN(f_h_long_ptr, "csmail_pop3_set_str");
    char *alice = utf8z(L"alice"), *alicepass = utf8z(L"alicepass");
    pop3_set_str(pop3, CSMAIL_PROP_HOST, (intptr_t)host);
    FN(f_h_long_long, "csmail_pop3_set_int")(pop3, CSMAIL_PROP_PORT, pop3s_port);
    pop3_set_str(pop3, CSMAIL_PROP_USER, (intptr_t)alice);
    pop3_set_str(pop3, CSMAIL_PROP_PASSWORD, (intptr_t)alicepass);
    FN(f_h_ptr, "csmail_pop3_set_advanced_handler")(pop3, pssl);
    FN(f_h, "csmail_sslinfo_release")(pssl); /* the client keeps its own reference */
    rc = FN(f_h, "csmail_pop3_connect")(pop3);
    CHECK(rc == CSMAIL_OK, "pop3.Connect: %d", (int)rc);
    int32_t count = 0;
    int64_t size = 0; /* Currency: the module reads it as value / 10000 and multiplies back */
    CHECK(FN(f_stat, "csmail_pop3_stat")(pop3, &count, &size) == CSMAIL_OK, "Count");
    CHECK(count >= 1 && size > 0, "Count %d Size %lld", (int)count, (long long)size);
    int found = 0;
    for (int32_t i = 1; i <= count; i++) {
        intptr_t message = 0, bytes = 0, length = 0;
        CHECK(FN(f_retrieve, "csmail_pop3_retrieve")(pop3, i, &message) == CSMAIL_OK, "GetMessage %d", (int)i);
        FN(f_data, "csmail_message_data")(message, &bytes, &length);
        wchar_t *got = utf8_to_string((const char *)bytes, (int)length);
        if (wcsstr(got, L"Subject: VB \u00e4\u00f6\u00fc \u4f60\u597d\r\n") && wcsstr(got, L"Gr\u00fc\u00dfe aus dem Harness.")) {
            found++;
            /* pop3.Delete i: the next architecture's run, against the same server, finds its own */
            CHECK(FN(f_h_long, "csmail_pop3_delete")(pop3, i) == CSMAIL_OK, "Delete %d", (int)i);
        }
        free(got);
        FN(f_h, "csmail_message_release")(message);
    }
    CHECK(found == 1, "the message came back %d times", found);
    int32_t committed = 0;
    FN(f_h_reflong, "csmail_pop3_disconnect")(pop3, &committed);
    CHECK(committed == 1, "QUIT confirmed");
    FN(f_h, "csmail_pop3_release")(pop3);

    /* Class_Terminate of LogHandler: clear the callback, release */
    FN(f_set_cb, "csmail_loghandler_set_callback")(loghandler, 0, 0);
    FN(f_h, "csmail_loghandler_release")(loghandler);
    FN(f_h, "csmail_sslinfo_release")(ssl);
    printf("%d log lines; %s\n", log.lines, failures ? "FAILED" : "all checks passed");
    return failures ? 1 : 0;
}
