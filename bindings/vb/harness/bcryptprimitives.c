/* wine 8.0 lacks bcryptprimitives.dll, which the Rust standard library (>= 1.78) imports for
 * ProcessPrng: this stub, put next to the .exe, gives it (RtlGenRandom underneath). Only for
 * running the harness under wine; Windows has the real DLL. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
