/* Prints every constant of the CSMailConstants enum in a type library as NAME=VALUE, one a
 * line, read back with LoadTypeLib (scripts/test-com-wine.sh compares them with the header's
 * constants). Usage: typelib_dump.exe csmail_com.tlb */
#define COBJMACROS
#include <windows.h>
#include <oleauto.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
    ITypeLib *lib = NULL;
    ITypeInfo *info = NULL;
    TYPEATTR *attr = NULL;
    UINT i, count;
    BSTR lib_name = NULL;
    int found = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: typelib_dump FILE.tlb\n");
        return 2;
    }
    if (FAILED(LoadTypeLib(argv[1], &lib))) {
        fprintf(stderr, "LoadTypeLib failed\n");
        return 1;
    }
    if (SUCCEEDED(ITypeLib_GetDocumentation(lib, -1, &lib_name, NULL, NULL, NULL))) {
        printf("#library=%ls\n", lib_name);
        SysFreeString(lib_name);
    }
    count = ITypeLib_GetTypeInfoCount(lib);
    for (i = 0; i < count; i++) {
        BSTR name = NULL;
        if (FAILED(ITypeLib_GetDocumentation(lib, (INT)i, &name, NULL, NULL, NULL)))
            continue;
        if (wcscmp(name, L"CSMailConstants") == 0 && SUCCEEDED(ITypeLib_GetTypeInfo(lib, i, &info)))
            found = 1;
        SysFreeString(name);
        if (found)
            break;
    }
    if (!found || FAILED(ITypeInfo_GetTypeAttr(info, &attr)) || attr->typekind != TKIND_ENUM) {
        fprintf(stderr, "no enum CSMailConstants in the type library\n");
        return 1;
    }
    for (i = 0; i < attr->cVars; i++) {
        VARDESC *var = NULL;
        BSTR name = NULL;
        if (FAILED(ITypeInfo_GetVarDesc(info, i, &var)))
            return 1;
        if (FAILED(ITypeInfo_GetDocumentation(info, var->memid, &name, NULL, NULL, NULL)) || var->varkind != VAR_CONST ||
            V_VT(var->lpvarValue) != VT_I4)
            return 1;
        printf("%ls=%ld\n", name, (long)V_I4(var->lpvarValue));
        SysFreeString(name);
        ITypeInfo_ReleaseVarDesc(info, var);
    }
    ITypeInfo_ReleaseTypeAttr(info, attr);
    ITypeInfo_Release(info);
    ITypeLib_Release(lib);
    return 0;
}
