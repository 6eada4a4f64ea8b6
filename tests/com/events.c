/* LogHandler.OnLogMessage, SMTPClient.OnProgress and IMAPClient.OnProgress through connection
 * points, found the way
 * VB's WithEvents and WScript.ConnectObject find them: IProvideClassInfo -> the coclass's default
 * source interface -> IConnectionPointContainer::FindConnectionPoint -> Advise with an IDispatch
 * sink. (Wine's cscript does not implement WScript.ConnectObject, so this program plays the
 * host.) The objects are driven by name through IDispatch, as a script does; the message it sends
 * is fetched by fetch_pop3s.vbs. Also checks that the type information the objects hand out has
 * the same DISPIDs as their GetIDsOfNames.
 *
 * IMAPClient's progress is that of an APPEND and a FETCH over implicit TLS, in a mailbox of its
 * own that it deletes afterwards.
 *
 * Usage: events.exe SMTP-PORT CA-FILE IMAPS-PORT    Prints what it checked; exit 0 when all passed. */
#define COBJMACROS
#include <windows.h>
#include <ocidl.h>
#include <oleauto.h>
#include <stdio.h>
#include <wchar.h>

static int failures, checks;
static void check(const char *what, int ok)
{
    checks++;
    if (!ok)
        failures++;
    printf("  %s %s\n", ok ? "ok  " : "FAIL", what);
}

/* ---- sinks: IDispatch objects that count the events they get ---- */
struct sink {
    IDispatch iface; /* first: a struct sink * is its IDispatch * */
    IID iid;         /* the event interface */
    DISPID dispid;   /* of the event it counts */
    int calls, bad_arguments, marked;
    double last_done, last_total;
};

static HRESULT STDMETHODCALLTYPE sink_qi(IDispatch *self, REFIID riid, void **out)
{
    struct sink *s = (struct sink *)self;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &s->iid)) {
        *out = self;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE sink_addref(IDispatch *self)
{
    (void)self;
    return 2;
}
static ULONG STDMETHODCALLTYPE sink_release(IDispatch *self)
{
    (void)self;
    return 1;
}
static HRESULT STDMETHODCALLTYPE sink_count(IDispatch *self, UINT *n)
{
    (void)self;
    *n = 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE sink_typeinfo(IDispatch *self, UINT i, LCID l, ITypeInfo **t)
{
    (void)self, (void)i, (void)l;
    *t = NULL;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE sink_ids(IDispatch *self, REFIID r, LPOLESTR *n, UINT c, LCID l, DISPID *d)
{
    (void)self, (void)r, (void)n, (void)c, (void)l, (void)d;
    return DISP_E_UNKNOWNNAME;
}
/* OnLogMessage(Severity As Long, Facility As Long, Message As String): marks lines with EHLO.
 * OnProgress(BytesDone As Double, BytesTotal As Double): keeps the last values. */
static HRESULT STDMETHODCALLTYPE sink_invoke(IDispatch *self, DISPID id, REFIID r, LCID l, WORD flags, DISPPARAMS *p,
                                             VARIANT *res, EXCEPINFO *e, UINT *a)
{
    struct sink *s = (struct sink *)self;
    (void)r, (void)l, (void)res, (void)e, (void)a;
    if (id != s->dispid || !(flags & DISPATCH_METHOD))
        return DISP_E_MEMBERNOTFOUND;
    s->calls++;
    /* Arguments last first. */
    if (p->cArgs == 3 && V_VT(&p->rgvarg[0]) == VT_BSTR && V_VT(&p->rgvarg[1]) == VT_I4 &&
        V_VT(&p->rgvarg[2]) == VT_I4) {
        if (wcsstr(V_BSTR(&p->rgvarg[0]), L"EHLO"))
            s->marked++;
    } else if (p->cArgs == 2 && V_VT(&p->rgvarg[0]) == VT_R8 && V_VT(&p->rgvarg[1]) == VT_R8) {
        s->last_done = V_R8(&p->rgvarg[1]);
        s->last_total = V_R8(&p->rgvarg[0]);
    } else {
        s->bad_arguments++;
    }
    return S_OK;
}
static IDispatchVtbl sink_vtbl = {sink_qi, sink_addref, sink_release, sink_count, sink_typeinfo, sink_ids, sink_invoke};

/* The default source interface of an object's coclass and an event's DISPID in it, found as
 * hosts find them; then Advise. */
static DWORD advise(IDispatch *obj, const wchar_t *event, struct sink *s, IConnectionPoint **point)
{
    IProvideClassInfo *provide = NULL;
    ITypeInfo *coclass = NULL, *source = NULL;
    TYPEATTR *attr = NULL, *source_attr = NULL;
    IConnectionPointContainer *container = NULL;
    DWORD cookie = 0;
    UINT i;
    int found = 0;
    char what[160];

    s->iface.lpVtbl = &sink_vtbl;
    s->dispid = -1;
    if (SUCCEEDED(IDispatch_QueryInterface(obj, &IID_IProvideClassInfo, (void **)&provide)) &&
        SUCCEEDED(IProvideClassInfo_GetClassInfo(provide, &coclass)) && SUCCEEDED(ITypeInfo_GetTypeAttr(coclass, &attr))) {
        for (i = 0; i < attr->cImplTypes && !found; i++) {
            INT flags = 0;
            HREFTYPE href;
            if (SUCCEEDED(ITypeInfo_GetImplTypeFlags(coclass, i, &flags)) &&
                flags == (IMPLTYPEFLAG_FDEFAULT | IMPLTYPEFLAG_FSOURCE) &&
                SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(coclass, i, &href)) &&
                SUCCEEDED(ITypeInfo_GetRefTypeInfo(coclass, href, &source)) &&
                SUCCEEDED(ITypeInfo_GetTypeAttr(source, &source_attr))) {
                LPOLESTR name = (LPOLESTR)event;
                s->iid = source_attr->guid;
                found = SUCCEEDED(ITypeInfo_GetIDsOfNames(source, &name, 1, &s->dispid));
                ITypeInfo_ReleaseTypeAttr(source, source_attr);
            }
        }
        ITypeInfo_ReleaseTypeAttr(coclass, attr);
    }
    snprintf(what, sizeof what, "IProvideClassInfo: the coclass's default source interface has %ls", event);
    check(what, found);
    *point = NULL;
    check("FindConnectionPoint and Advise",
          SUCCEEDED(IDispatch_QueryInterface(obj, &IID_IConnectionPointContainer, (void **)&container)) &&
              SUCCEEDED(IConnectionPointContainer_FindConnectionPoint(container, &s->iid, point)) &&
              SUCCEEDED(IConnectionPoint_Advise(*point, (IUnknown *)&s->iface, &cookie)) && cookie != 0);
    if (container)
        IConnectionPointContainer_Release(container);
    if (source)
        ITypeInfo_Release(source);
    if (coclass)
        ITypeInfo_Release(coclass);
    if (provide)
        IProvideClassInfo_Release(provide);
    return cookie;
}

/* ---- calling by name, as a script does ---- */
static DISPID id_of(IDispatch *obj, const wchar_t *name)
{
    DISPID id = -1;
    LPOLESTR n = (LPOLESTR)name;
    IDispatch_GetIDsOfNames(obj, &IID_NULL, &n, 1, 0, &id);
    return id;
}
static HRESULT call(IDispatch *obj, const wchar_t *name, WORD flags, VARIANT *args, UINT n)
{
    DISPID put = DISPID_PROPERTYPUT;
    DISPPARAMS p = {args, flags == DISPATCH_PROPERTYPUT ? &put : NULL, n, flags == DISPATCH_PROPERTYPUT ? 1 : 0};
    return IDispatch_Invoke(obj, id_of(obj, name), &IID_NULL, 0, flags, &p, NULL, NULL, NULL);
}
static HRESULT put_str(IDispatch *obj, const wchar_t *name, const wchar_t *value)
{
    VARIANT v;
    HRESULT hr;
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(value);
    hr = call(obj, name, DISPATCH_PROPERTYPUT, &v, 1);
    VariantClear(&v);
    return hr;
}
static HRESULT put_int(IDispatch *obj, const wchar_t *name, LONG value)
{
    VARIANT v;
    V_VT(&v) = VT_I4;
    V_I4(&v) = value;
    return call(obj, name, DISPATCH_PROPERTYPUT, &v, 1);
}
static HRESULT with_object(IDispatch *obj, const wchar_t *name, IDispatch *arg)
{
    VARIANT v;
    V_VT(&v) = VT_DISPATCH;
    V_DISPATCH(&v) = arg;
    return call(obj, name, DISPATCH_METHOD, &v, 1);
}
static IDispatch *create(const wchar_t *prog_id)
{
    CLSID clsid;
    IDispatch *obj = NULL;
    if (FAILED(CLSIDFromProgID(prog_id, &clsid)) ||
        FAILED(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&obj))) {
        printf("  FAIL CoCreateInstance %ls\n", prog_id);
        exit(1);
    }
    return obj;
}

/* The type information's DISPID of a name equals the object's. */
static void check_typeinfo(IDispatch *obj, const wchar_t *interface_name, const wchar_t *member)
{
    ITypeInfo *info = NULL;
    BSTR name = NULL;
    DISPID from_info = -2;
    LPOLESTR m = (LPOLESTR)member;
    char what[160];
    int ok = SUCCEEDED(IDispatch_GetTypeInfo(obj, 0, 0, &info)) &&
             SUCCEEDED(ITypeInfo_GetDocumentation(info, MEMBERID_NIL, &name, NULL, NULL, NULL)) &&
             wcscmp(name, interface_name) == 0 && SUCCEEDED(ITypeInfo_GetIDsOfNames(info, &m, 1, &from_info)) &&
             from_info == id_of(obj, member);
    snprintf(what, sizeof what, "GetTypeInfo is %ls; its DISPID of %ls (%ld) is the object's", interface_name, member,
             (long)from_info);
    check(what, ok);
    SysFreeString(name);
    if (info)
        ITypeInfo_Release(info);
}

/* A method call with a result. */
static HRESULT call_result(IDispatch *obj, const wchar_t *name, VARIANT *args, UINT n, VARIANT *result)
{
    DISPPARAMS p = {args, NULL, n, 0};
    VariantInit(result);
    return IDispatch_Invoke(obj, id_of(obj, name), &IID_NULL, 0, DISPATCH_METHOD, &p, result, NULL, NULL);
}
static HRESULT call_str(IDispatch *obj, const wchar_t *name, const wchar_t *value)
{
    VARIANT v, result;
    HRESULT hr;
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(value);
    hr = call_result(obj, name, &v, 1, &result);
    VariantClear(&v);
    VariantClear(&result);
    return hr;
}

/* IMAPClient.OnProgress: an Append and a Fetch of `body` over implicit TLS, each with its last
 * event at all bytes done. */
static void imap_progress(const wchar_t *port, const wchar_t *ca, const wchar_t *body)
{
    IDispatch *imap = create(L"CSMailLib.IMAPClient"), *ssl = create(L"CSMailLib.SSLInfo");
    IConnectionPoint *point = NULL;
    struct sink sink = {0};
    DWORD cookie;
    VARIANT args[2], result;
    double length = (double)wcslen(body);
    LONG uid = 0;
    int fetched = 0;

    cookie = advise(imap, L"OnProgress", &sink, &point);
    check_typeinfo(imap, L"IIMAPClient", L"Select");
    put_int(ssl, L"Mode", 0); /* MODE_CHANNEL */
    V_VT(&args[1]) = VT_I4;
    V_I4(&args[1]) = 100; /* SSLCAFile */
    V_VT(&args[0]) = VT_BSTR;
    V_BSTR(&args[0]) = SysAllocString(ca);
    call(ssl, L"SetOption", DISPATCH_METHOD, args, 2);
    VariantClear(&args[0]);
    with_object(imap, L"SetAdvancedHandler", ssl);
    put_str(imap, L"ServerHost", L"localhost");
    put_int(imap, L"Port", _wtoi(port));
    put_str(imap, L"UserName", L"alice");
    put_str(imap, L"Password", L"alicepass");
    check("IMAPClient Connect (IMAPS)", SUCCEEDED(call(imap, L"Connect", DISPATCH_METHOD, NULL, 0)));
    check("IMAPClient CreateMailbox Events", SUCCEEDED(call_str(imap, L"CreateMailbox", L"Events")));
    /* Append(Mailbox, Body): arguments last first. */
    V_VT(&args[1]) = VT_BSTR;
    V_BSTR(&args[1]) = SysAllocString(L"Events");
    V_VT(&args[0]) = VT_BSTR;
    V_BSTR(&args[0]) = SysAllocString(body);
    check("IMAPClient Append returns the UID 1",
          SUCCEEDED(call_result(imap, L"Append", args, 2, &result)) && V_VT(&result) == VT_I4 && (uid = V_I4(&result)) == 1);
    VariantClear(&args[0]);
    VariantClear(&args[1]);
    printf("  (Append: %d OnProgress events, the last %.0f of %.0f)\n", sink.calls, sink.last_done, sink.last_total);
    check("Append: OnProgress events, the last with all bytes done",
          sink.calls > 0 && sink.bad_arguments == 0 && sink.last_done == length && sink.last_total == length);
    sink.calls = 0;
    sink.last_done = sink.last_total = 0;
    check("IMAPClient Select Events", SUCCEEDED(call_str(imap, L"Select", L"Events")));
    V_VT(&args[0]) = VT_I4;
    V_I4(&args[0]) = uid;
    fetched = SUCCEEDED(call_result(imap, L"Fetch", args, 1, &result)) && V_VT(&result) == VT_BSTR &&
              wcscmp(V_BSTR(&result), body) == 0;
    VariantClear(&result);
    check("IMAPClient Fetch gives the appended bytes", fetched);
    printf("  (Fetch: %d OnProgress events, the last %.0f of %.0f)\n", sink.calls, sink.last_done, sink.last_total);
    check("Fetch: OnProgress events, the last with all bytes done",
          sink.calls > 0 && sink.bad_arguments == 0 && sink.last_done == length && sink.last_total == length);
    check("IMAPClient CloseMailbox, DeleteMailbox Events",
          SUCCEEDED(call(imap, L"CloseMailbox", DISPATCH_METHOD, NULL, 0)) &&
              SUCCEEDED(call_str(imap, L"DeleteMailbox", L"Events")));
    check("IMAPClient Disconnect", SUCCEEDED(call(imap, L"Disconnect", DISPATCH_METHOD, NULL, 0)));
    check("Unadvise IMAPClient OnProgress", point && SUCCEEDED(IConnectionPoint_Unadvise(point, cookie)));
    if (point)
        IConnectionPoint_Release(point);
    IDispatch_Release(imap);
    IDispatch_Release(ssl);
}

static int connect_once(IDispatch *smtp)
{
    HRESULT hr = call(smtp, L"Connect", DISPATCH_METHOD, NULL, 0);
    if (SUCCEEDED(hr))
        hr = call(smtp, L"Disconnect", DISPATCH_METHOD, NULL, 0);
    return SUCCEEDED(hr);
}

int wmain(int argc, wchar_t **argv)
{
    IDispatch *log, *smtp, *ssl;
    IConnectionPoint *log_point = NULL, *progress_point = NULL;
    struct sink log_sink = {0}, progress_sink = {0};
    DWORD log_cookie, progress_cookie;
    int before;
    VARIANT args[3];
    /* ASCII, ending in CRLF: the bytes sent are exactly these. */
    const wchar_t *body = L"Subject: from events.exe\r\n\r\nbody\r\n";

    if (argc != 4) {
        fprintf(stderr, "usage: events SMTP-PORT CA-FILE IMAPS-PORT\n");
        return 2;
    }
    CoInitialize(NULL);
    log = create(L"CSMailLib.LogHandler");
    smtp = create(L"CSMailLib.SMTPClient");
    ssl = create(L"CSMailLib.SSLInfo");

    log_cookie = advise(log, L"OnLogMessage", &log_sink, &log_point);
    progress_cookie = advise(smtp, L"OnProgress", &progress_sink, &progress_point);

    check_typeinfo(smtp, L"ISMTPClient", L"ServerHost");
    check_typeinfo(ssl, L"ISSLInfo", L"Option");
    check_typeinfo(log, L"ILogHandler", L"Level");

    /* A STARTTLS connect with the log attached, and a send. */
    check("ssl.Mode = MODE_STARTTLS", SUCCEEDED(put_int(ssl, L"Mode", 1)));
    V_VT(&args[1]) = VT_I4;
    V_I4(&args[1]) = 100; /* SSLCAFile */
    V_VT(&args[0]) = VT_BSTR;
    V_BSTR(&args[0]) = SysAllocString(argv[2]);
    check("ssl.SetOption SSLCAFile, ca", SUCCEEDED(call(ssl, L"SetOption", DISPATCH_METHOD, args, 2)));
    VariantClear(&args[0]);
    check("SetAdvancedHandler ssl, log",
          SUCCEEDED(with_object(smtp, L"SetAdvancedHandler", ssl)) && SUCCEEDED(with_object(smtp, L"SetAdvancedHandler", log)));
    put_str(smtp, L"ServerHost", L"localhost");
    put_int(smtp, L"Port", _wtoi(argv[1]));
    put_str(smtp, L"UserName", L"alice");
    put_str(smtp, L"Password", L"alicepass");
    check("Connect", SUCCEEDED(call(smtp, L"Connect", DISPATCH_METHOD, NULL, 0)));
    /* Send(From, Recipients, Body): arguments last first. */
    V_VT(&args[2]) = VT_BSTR;
    V_BSTR(&args[2]) = SysAllocString(L"alice@example.com");
    V_VT(&args[1]) = VT_BSTR;
    V_BSTR(&args[1]) = SysAllocString(L"alice@example.com");
    V_VT(&args[0]) = VT_BSTR;
    V_BSTR(&args[0]) = SysAllocString(body);
    check("Send", SUCCEEDED(call(smtp, L"Send", DISPATCH_METHOD, args, 3)));
    VariantClear(&args[0]);
    VariantClear(&args[1]);
    VariantClear(&args[2]);
    check("Disconnect", SUCCEEDED(call(smtp, L"Disconnect", DISPATCH_METHOD, NULL, 0)));
    printf("  (%d OnLogMessage events, %d with EHLO; %d OnProgress events, the last %.0f of %.0f)\n", log_sink.calls,
           log_sink.marked, progress_sink.calls, progress_sink.last_done, progress_sink.last_total);
    check("OnLogMessage events arrived, with (Long, Long, String) arguments",
          log_sink.calls > 0 && log_sink.bad_arguments == 0);
    check("a logged line shows the EHLO command", log_sink.marked > 0);
    check("OnProgress events arrived, with (Double, Double) arguments",
          progress_sink.calls > 0 && progress_sink.bad_arguments == 0);
    check("the last OnProgress has all of the message's bytes done (BytesDone = BytesTotal = its length)",
          progress_sink.last_done == (double)wcslen(body) && progress_sink.last_total == (double)wcslen(body));

    /* After Unadvise no more events. */
    before = log_sink.calls;
    check("Unadvise", log_point && SUCCEEDED(IConnectionPoint_Unadvise(log_point, log_cookie)));
    check("Unadvise of the same cookie again fails", log_point && FAILED(IConnectionPoint_Unadvise(log_point, log_cookie)));
    check("Connect, Disconnect", connect_once(smtp));
    check("no events after Unadvise", log_sink.calls == before);
    check("Unadvise OnProgress", progress_point && SUCCEEDED(IConnectionPoint_Unadvise(progress_point, progress_cookie)));

    imap_progress(argv[3], argv[2], body);

    if (log_point)
        IConnectionPoint_Release(log_point);
    if (progress_point)
        IConnectionPoint_Release(progress_point);
    IDispatch_Release(smtp);
    IDispatch_Release(ssl);
    IDispatch_Release(log);
    CoUninitialize();
    printf("%s %d of %d checks\n", failures ? "COM-TEST-FAILED" : "COM-TEST-PASSED", checks - failures, checks);
    return failures ? 1 : 0;
}
