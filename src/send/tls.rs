//! TLS: one rustls client configuration per run, used by every connection to the target, the
//! cases' own and reqwest's (logins, the probe, discovery). It trusts the platform's roots plus
//! `--ca-cert`, or with `--insecure` any certificate, whose handshake signature must still verify.

use super::TransportError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;

/// The client configuration for a run: HTTP/1.1 offered by ALPN, as the sender speaks nothing
/// else. A plain `http://` target is never spoken to over TLS (redirects are not followed), so
/// its configuration trusts no one rather than reading the platform's roots, a tenth of the
/// start-up; `--ca-cert` must still be PEM.
pub(super) fn client_config(
    ca_cert: Option<&[u8]>,
    insecure: bool,
    plain_target: bool,
) -> Result<Arc<ClientConfig>, TransportError> {
    super::install_crypto_provider();
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let extra = ca_cert.map(roots).transpose()?.unwrap_or_default();
    let setup =
        |e: &dyn std::fmt::Display| TransportError::Other(format!("cannot set up TLS: {e}"));
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| setup(&e))?;
    let mut config = if plain_target {
        builder
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    } else {
        let verifier: Arc<dyn ServerCertVerifier> = if insecure {
            Arc::new(AnyCertificate {
                algorithms: provider.signature_verification_algorithms,
            })
        } else {
            Arc::new(
                rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
                    .map_err(|e| setup(&e))?,
            )
        };
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth()
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Every certificate of a PEM file; at least one.
fn roots(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TransportError> {
    let not_pem =
        |why: String| TransportError::Other(format!("the CA certificate is not PEM: {why}"));
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| not_pem(e.to_string()))?;
    if certificates.is_empty() {
        return Err(not_pem("it holds no CERTIFICATE block".into()));
    }
    Ok(certificates)
}

/// `--insecure`: any certificate is taken for the console's, but the handshake must still be
/// signed by its key, so the connection is at least to whoever holds that certificate.
#[derive(Debug)]
struct AnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_without_a_certificate_is_refused_naming_pem() {
        for text in ["", "not a certificate", "-----BEGIN CERTIFICATE-----\n!!\n"] {
            let error = client_config(Some(text.as_bytes()), false, false).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("the CA certificate is not PEM"),
                "{text:?}: {error}"
            );
        }
    }
}
