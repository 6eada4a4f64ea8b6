//! Throw-away PKI for the test server: one CA and one server certificate.
//!
//! Clients under test must verify the server properly, so instead of a
//! self-signed leaf we mint a CA the tests can trust and a leaf signed by it.

use std::io;
use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A test CA and a server certificate signed by it, all in PEM.
#[derive(Clone, Debug)]
pub struct Pki {
    /// The CA certificate clients should trust.
    pub ca_cert_pem: String,
    /// Server certificate followed by the CA certificate.
    pub server_chain_pem: String,
    /// PKCS#8 private key of the server certificate.
    pub server_key_pem: String,
}

impl Pki {
    /// A fresh test CA ("csmail test CA") and a server certificate signed by
    /// it. SANs: DNS localhost, IP 127.0.0.1, IP ::1, plus `extra_names`
    /// (IP literals become IP SANs, anything else a DNS SAN).
    /// The server certificate has EKU serverAuth and is not a CA.
    pub fn generate(extra_names: &[&str]) -> Pki {
        // CA
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("empty SANs");
        ca_params.distinguished_name.push(DnType::CommonName, "csmail test CA");
        ca_params.distinguished_name.push(DnType::OrganizationName, "csmail");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca_key = KeyPair::generate().expect("CA key");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);

        // Server leaf
        let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
        for n in extra_names {
            if !names.iter().any(|x| x == n) {
                names.push((*n).to_string());
            }
        }
        let mut params = CertificateParams::new(names).expect("valid subject alt names");
        params.distinguished_name.push(DnType::CommonName, "localhost");
        params.is_ca = IsCa::ExplicitNoCa;
        params.use_authority_key_identifier_extension = true;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().expect("server key");
        let cert = params.signed_by(&key, &issuer).expect("server certificate");

        let ca_cert_pem = ca_cert.pem();
        Pki {
            server_chain_pem: format!("{}{}", cert.pem(), ca_cert_pem),
            ca_cert_pem,
            server_key_pem: key.serialize_pem(),
        }
    }

    /// A rustls server configuration (TLS 1.2 and 1.3, ring provider) that
    /// presents this PKI's server chain.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(self.server_chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .expect("server chain PEM");
        let key = PrivateKeyDer::from_pem_slice(self.server_key_pem.as_bytes()).expect("server key PEM");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let cfg = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate and key");
        Arc::new(cfg)
    }

    /// Writes the CA certificate (PEM) to `path`.
    pub fn write_ca(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, self.ca_cert_pem.as_bytes())
    }
}
