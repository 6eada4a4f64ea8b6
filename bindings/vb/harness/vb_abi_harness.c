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
 * It sends a message over STARTTLS and fetches it back over POP3S from the bundled server.
 *
 *   vb_abi_harness.exe SMTP_PORT POP3S_PORT CA_PATH
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
#define CSMAIL_E_AUTH 11
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

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SMTP_PORT POP3S_PORT CA_PATH\n", argv[0]);
        return 2;
    }
    int32_t smtp_port = atoi(argv[1]), pop3s_port = atoi(argv[2]);
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
