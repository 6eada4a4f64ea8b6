//! The authentication mechanisms both protocols choose from (the AUTH_MECH property values);
//! each protocol's auth module says which of them it speaks.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    Auto,
    Plain,
    Login,
    CramMd5,
    XOAuth2,
    OAuthBearer,
    UserPass,
    Apop,
}
