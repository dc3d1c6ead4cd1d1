//! The platform domain on whichever backend the run targets (PostgreSQL when
//! STOREGATE_TEST_DATABASE_URL is set, SQLite otherwise). Time is passed in as `now`, never
//! read from the wall clock, so expiry, grace and lockout are tested without sleeping.

use std::net::IpAddr;
use storegate_db::testing::TestDatabase;
use storegate_db::{Db, Exec, migrate, sql};
use storegate_domain::crypto::Crypto;
use storegate_domain::tenancy::{self, BootstrapOptions};
use storegate_domain::tokens::Throttle;
use storegate_platform::accounts::{self, Lockout, NewAccount};
use storegate_platform::idempotency::{self, Begin, Recorded};
use storegate_platform::pats::{self, NewPat};
use storegate_platform::stores::{self, Upstream};
use storegate_platform::{Grants, Level, Mode, Resource, Role, members, tokens};
use storegate_types::ErrorCode;
use time::{Duration, OffsetDateTime};

// Writes that read back (INSERT … RETURNING) run in a transaction, as handlers will run them.
macro_rules! in_tx {
    ($name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $call:path) => {
        async fn $name(db: &Db, $($arg: $ty),*) -> Result<$out, storegate_types::ApiError> {
            let mut tx = db.begin().await.unwrap();
            let out = $call(&mut tx, $($arg),*).await;
            if out.is_ok() {
                tx.commit().await.unwrap();
            }
            out
        }
    };
}

in_tx!(create_pat(account: i64, new: &NewPat, now: OffsetDateTime) -> pats::CreatedPat = pats::create);
in_tx!(create_bounded(caller: &pats::PatPrincipal, new: &NewPat, now: OffsetDateTime) -> pats::CreatedPat = pats::create_bounded);
in_tx!(rotate(account: i64, id: i64, grace: Duration, now: OffsetDateTime) -> pats::CreatedPat = pats::rotate);
in_tx!(create_account(new: &NewAccount<'_>, now: OffsetDateTime) -> accounts::Account = accounts::create);

async fn create_gateway(
    db: &Db,
    crypto: &Crypto,
    owner: i64,
    (code, name, mode): (&str, &str, Mode),
    upstream: &Upstream<'_>,
    now: OffsetDateTime,
) -> Result<stores::Store, storegate_types::ApiError> {
    let mut tx = db.begin().await.unwrap();
    let new = stores::NewStore { code, name, mode };
    let out = stores::create_gateway(&mut tx, crypto, owner, &new, upstream, now).await;
    if out.is_ok() {
        tx.commit().await.unwrap();
    }
    out
}

struct Env {
    db: Db,
    crypto: Crypto,
    _test_db: TestDatabase,
}

async fn env() -> Env {
    let test_db = TestDatabase::new();
    let db = Db::connect(&test_db.options).await.expect("connect");
    migrate::run(&db).await.expect("migrate");
    tenancy::bootstrap(
        &db,
        &BootstrapOptions {
            admin_username: "admin".into(),
            admin_password: Some("admin123".into()),
            base_url: "http://localhost".into(),
        },
    )
    .await
    .expect("bootstrap");
    Env { db, crypto: Crypto::from_key(&[7u8; 32]), _test_db: test_db }
}

fn t0() -> OffsetDateTime {
    time::macros::datetime!(2030-01-01 12:00:00 UTC)
}

async fn account(db: &Db, email: &str) -> i64 {
    create_account(db, &NewAccount { email, password: "Secret-pass1", name: None }, t0()).await.expect("account").id
}

async fn gateway(env: &Env, owner: i64, code: &str, mode: Mode) -> stores::Store {
    let upstream = Upstream { url: "https://shop.example.com/", store_code: "default", token: "upstream-secret-123" };
    create_gateway(&env.db, &env.crypto, owner, (code, "Shop", mode), &upstream, t0()).await.expect("gateway store")
}

fn new_pat(mode: Mode, stores: &[i64], scopes: &[&str]) -> NewPat {
    NewPat {
        name: "ci".into(),
        mode,
        stores: stores.to_vec(),
        scopes: Grants::parse(scopes.iter().copied()).unwrap(),
        expires_at: None,
        allowed_ips: Vec::new(),
    }
}

async fn auth(db: &Db, token: &str, ip: Option<&str>, now: OffsetDateTime) -> Result<pats::PatPrincipal, ErrorCode> {
    let ip: Option<IpAddr> = ip.map(|i| i.parse().unwrap());
    pats::authenticate(&mut db.clone(), token, ip, now).await.map_err(|e| e.code)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_never_exceeds_its_creators_role_and_mode() {
    let env = env().await;
    let db = env.db.clone();
    let owner = account(&db, "owner@example.com").await;
    let dev = account(&db, "dev@example.com").await;
    let live = gateway(&env, owner, "shop", Mode::Live).await;
    let other = gateway(&env, owner, "other", Mode::Live).await;
    let sandbox = gateway(&env, owner, "sandbox", Mode::Test).await;
    members::add(&mut db.clone(), live.id, "DEV@example.com", Role::Developer, t0()).await.unwrap();
    members::add(&mut db.clone(), sandbox.id, "dev@example.com", Role::Developer, t0()).await.unwrap();

    let refuse = |new: NewPat| {
        let db = db.clone();
        async move { create_pat(&db, dev, &new, t0()).await.map(|_| ()).unwrap_err().code }
    };
    // A developer writes products but only reads orders and members.
    assert_eq!(refuse(new_pat(Mode::Live, &[live.id], &["orders:write"])).await, ErrorCode::PlatformScopeExceedsRole);
    assert_eq!(refuse(new_pat(Mode::Live, &[live.id], &["members:write"])).await, ErrorCode::PlatformScopeExceedsRole);
    // Not a member of `other`.
    assert_eq!(
        refuse(new_pat(Mode::Live, &[live.id, other.id], &["products:read"])).await,
        ErrorCode::PlatformStoreAccessDenied
    );
    // Live tokens never reach test stores, nor test tokens live ones.
    assert_eq!(
        refuse(new_pat(Mode::Live, &[sandbox.id], &["products:read"])).await,
        ErrorCode::PlatformTokenModeMismatch
    );
    assert_eq!(refuse(new_pat(Mode::Test, &[live.id], &["products:read"])).await, ErrorCode::PlatformTokenModeMismatch);
    assert_eq!(refuse(new_pat(Mode::Live, &[], &["products:read"])).await, ErrorCode::RequiredField);
    assert_eq!(refuse(new_pat(Mode::Live, &[live.id], &[])).await, ErrorCode::RequiredField);
    assert_eq!(refuse(new_pat(Mode::Live, &[999], &["products:read"])).await, ErrorCode::NoSuchEntity);
    let mut past = new_pat(Mode::Live, &[live.id], &["products:read"]);
    past.expires_at = Some(t0() - Duration::seconds(1));
    assert_eq!(refuse(past).await, ErrorCode::InvalidFieldValue);

    let created =
        create_pat(&db, dev, &new_pat(Mode::Live, &[live.id], &["products:write", "orders:read"]), t0()).await.unwrap();
    let secret = created.token.expose().to_owned();
    assert_eq!(tokens::check_format(&secret), Ok(Mode::Live));
    assert!(secret.starts_with("sg_pat_live_"));
    assert_eq!(created.pat.display(), format!("sg_pat_live_…{}", &secret[secret.len() - 4..]));
    let p = auth(&db, &secret, None, t0()).await.unwrap();
    assert_eq!(p.account_id, dev);
    assert!(p.allows(live.id, Resource::Products, Level::Write));
    assert!(p.allows(live.id, Resource::Orders, Level::Read));
    assert!(!p.allows(live.id, Resource::Orders, Level::Write));
    assert!(!p.allows(live.id, Resource::Design, Level::Read), "not in the token's scopes");
    assert!(!p.allows(other.id, Resource::Products, Level::Read));

    // Test tokens reach test stores.
    let test = create_pat(&db, dev, &new_pat(Mode::Test, &[sandbox.id], &["products:read"]), t0()).await.unwrap();
    assert!(test.token.expose().starts_with("sg_pat_test_"));
    let p = auth(&db, test.token.expose(), None, t0()).await.unwrap();
    assert_eq!(p.stores.iter().map(|s| s.store_id).collect::<Vec<_>>(), [sandbox.id]);

    // A token creating a token cannot exceed itself either.
    let caller = auth(&db, &secret, None, t0()).await.unwrap();
    let e = create_bounded(&db, &caller, &new_pat(Mode::Live, &[live.id], &["design:write"]), t0()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::PlatformScopeExceedsRole, "design is in the role but not in the calling token");
    create_bounded(&db, &caller, &new_pat(Mode::Live, &[live.id], &["products:read"]), t0()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn effective_grants_follow_the_current_membership() {
    let env = env().await;
    let db = env.db.clone();
    let owner = account(&db, "owner@example.com").await;
    let adm = account(&db, "adm@example.com").await;
    let store = gateway(&env, owner, "shop", Mode::Live).await;
    members::add(&mut db.clone(), store.id, "adm@example.com", Role::Admin, t0()).await.unwrap();
    let created =
        create_pat(&db, adm, &new_pat(Mode::Live, &[store.id], &["orders:write", "design:write"]), t0()).await.unwrap();
    let token = created.token.expose();
    assert!(auth(&db, token, None, t0()).await.unwrap().allows(store.id, Resource::Orders, Level::Write));

    // Downgraded to viewer: the same token reads only, at once.
    let mut tx = db.begin().await.unwrap();
    members::change_role(&mut tx, store.id, adm, Role::Viewer).await.unwrap();
    tx.commit().await.unwrap();
    let p = auth(&db, token, None, t0()).await.unwrap();
    assert!(p.allows(store.id, Resource::Orders, Level::Read));
    assert!(!p.allows(store.id, Resource::Orders, Level::Write));
    assert!(!p.allows(store.id, Resource::Design, Level::Write));
    assert_eq!(p.store(store.id).unwrap().role, Role::Viewer);

    // Removed: the store is gone from the token.
    let mut tx = db.begin().await.unwrap();
    members::remove(&mut tx, store.id, adm).await.unwrap();
    tx.commit().await.unwrap();
    let p = auth(&db, token, None, t0()).await.unwrap();
    assert!(p.stores.is_empty());
    assert!(!p.allows(store.id, Resource::Orders, Level::Read));

    // A deleted store disappears as well.
    let mine = create_pat(&db, owner, &new_pat(Mode::Live, &[store.id], &["orders:read"]), t0()).await.unwrap();
    assert_eq!(auth(&db, mine.token.expose(), None, t0()).await.unwrap().stores.len(), 1);
    stores::delete(&mut db.clone(), store.id, t0()).await.unwrap();
    assert!(auth(&db, mine.token.expose(), None, t0()).await.unwrap().stores.is_empty());
    assert!(stores::list_for_account(&mut db.clone(), owner).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_revocation_rotation_and_reports() {
    let env = env().await;
    let db = env.db.clone();
    let owner = account(&db, "owner@example.com").await;
    let store = gateway(&env, owner, "shop", Mode::Live).await;
    let mut new = new_pat(Mode::Live, &[store.id], &["orders:read"]);
    new.expires_at = Some(t0() + Duration::hours(1));
    let expiring = create_pat(&db, owner, &new, t0()).await.unwrap();
    assert!(auth(&db, expiring.token.expose(), None, t0() + Duration::minutes(59)).await.is_ok());
    assert_eq!(
        auth(&db, expiring.token.expose(), None, t0() + Duration::hours(1)).await.unwrap_err(),
        ErrorCode::PlatformTokenInvalid
    );

    let revoked = create_pat(&db, owner, &new_pat(Mode::Live, &[store.id], &["orders:read"]), t0()).await.unwrap();
    assert!(auth(&db, revoked.token.expose(), None, t0()).await.is_ok());
    pats::revoke(&mut db.clone(), owner, revoked.pat.id, t0()).await.unwrap();
    assert_eq!(auth(&db, revoked.token.expose(), None, t0()).await.unwrap_err(), ErrorCode::PlatformTokenInvalid);

    // Unknown and malformed tokens read the same.
    let unknown = tokens::generate(Mode::Live);
    assert_eq!(auth(&db, unknown.secret.expose(), None, t0()).await.unwrap_err(), ErrorCode::PlatformTokenInvalid);
    assert_eq!(auth(&db, "sg_pat_live_nope", None, t0()).await.unwrap_err(), ErrorCode::PlatformTokenInvalid);

    // Rotation: the old secret works within the grace period only; the new one keeps the grants.
    let old = create_pat(&db, owner, &new_pat(Mode::Live, &[store.id], &["orders:write"]), t0()).await.unwrap();
    let e = rotate(&db, owner, old.pat.id, Duration::hours(25), t0()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::PlatformRotationGraceTooLong);
    let rotated = rotate(&db, owner, old.pat.id, Duration::hours(1), t0()).await.unwrap();
    assert_ne!(rotated.token, old.token);
    assert_eq!(rotated.pat.rotated_from, Some(old.pat.id));
    assert_eq!(rotated.pat.scopes, old.pat.scopes);
    assert_eq!(rotated.pat.stores, old.pat.stores);
    assert!(auth(&db, old.token.expose(), None, t0() + Duration::minutes(59)).await.is_ok());
    assert_eq!(
        auth(&db, old.token.expose(), None, t0() + Duration::minutes(61)).await.unwrap_err(),
        ErrorCode::PlatformTokenInvalid
    );
    let p = auth(&db, rotated.token.expose(), None, t0() + Duration::hours(2)).await.unwrap();
    assert!(p.allows(store.id, Resource::Orders, Level::Write));
    let again = rotate(&db, owner, old.pat.id, Duration::ZERO, t0()).await.unwrap_err();
    assert_eq!(again.code, ErrorCode::PlatformTokenNotActive, "a rotated token is not rotated twice");
    // Zero grace revokes the old secret at once.
    let now_rotated = rotate(&db, owner, rotated.pat.id, Duration::ZERO, t0()).await.unwrap();
    assert_eq!(auth(&db, rotated.token.expose(), None, t0()).await.unwrap_err(), ErrorCode::PlatformTokenInvalid);

    // Another account cannot see, revoke or rotate it.
    let stranger = account(&db, "stranger@example.com").await;
    assert_eq!(
        pats::get(&mut db.clone(), stranger, now_rotated.pat.id).await.unwrap_err().code,
        ErrorCode::NoSuchEntity
    );
    assert_eq!(
        pats::revoke(&mut db.clone(), stranger, now_rotated.pat.id, t0()).await.unwrap_err().code,
        ErrorCode::NoSuchEntity
    );

    // A secret-scanning report revokes by hash and says whom to tell.
    let report =
        pats::revoke_by_hash(&mut db.clone(), &tokens::hash(now_rotated.token.expose()), t0()).await.unwrap().unwrap();
    assert_eq!((report.account_id, report.email.as_str(), report.newly_revoked), (owner, "owner@example.com", true));
    assert_eq!(auth(&db, now_rotated.token.expose(), None, t0()).await.unwrap_err(), ErrorCode::PlatformTokenInvalid);
    let twice =
        pats::revoke_by_hash(&mut db.clone(), &tokens::hash(now_rotated.token.expose()), t0()).await.unwrap().unwrap();
    assert!(!twice.newly_revoked);
    assert!(pats::revoke_by_hash(&mut db.clone(), &"0".repeat(64), t0()).await.unwrap().is_none());

    // Lists show metadata only.
    let listed = pats::list(&mut db.clone(), owner).await.unwrap();
    assert_eq!(listed.len(), 5);
    assert!(listed.iter().all(|p| p.prefix == "sg_pat_live_" && p.last4.len() == 4));
    assert_eq!(
        listed.iter().filter(|p| p.is_active(t0())).count(),
        2,
        "the expiring token and the first one, in its grace period"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ip_allowlists_take_v4_and_v6_cidrs() {
    let env = env().await;
    let db = env.db.clone();
    let owner = account(&db, "owner@example.com").await;
    let store = gateway(&env, owner, "shop", Mode::Live).await;
    let mut new = new_pat(Mode::Live, &[store.id], &["orders:read"]);
    new.allowed_ips = vec![pats::parse_cidr("10.0.0.0/8").unwrap(), pats::parse_cidr("2001:db8::/32").unwrap()];
    let t = create_pat(&db, owner, &new, t0()).await.unwrap();
    let token = t.token.expose();
    for ok in ["10.1.2.3", "::ffff:10.1.2.3", "2001:db8::1", "2001:db8:ffff::9"] {
        assert!(auth(&db, token, Some(ok), t0()).await.is_ok(), "{ok} is allowed");
    }
    for refused in ["192.168.1.1", "11.0.0.1", "2001:db9::1", "::1"] {
        assert_eq!(
            auth(&db, token, Some(refused), t0()).await.unwrap_err(),
            ErrorCode::PlatformTokenAddressRefused,
            "{refused}"
        );
    }
    assert_eq!(auth(&db, token, None, t0()).await.unwrap_err(), ErrorCode::PlatformTokenAddressRefused);
    assert_eq!(pats::parse_cidr("10.1.2.3").unwrap().to_string(), "10.1.2.3/32");
    assert_eq!(pats::parse_cidr("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
    assert!(pats::parse_cidr("10.0.0.0/33").is_err());
    assert!(pats::parse_cidr("example.com").is_err());
    let stored = pats::get(&mut db.clone(), owner, t.pat.id).await.unwrap();
    assert_eq!(stored.allowed_ips, new.allowed_ips);
    // The last use is recorded at most once a minute.
    assert_eq!(stored.last_used_at.as_deref(), Some("2030-01-01 12:00:00"));
    auth(&db, token, Some("10.9.9.9"), t0() + Duration::seconds(30)).await.unwrap();
    let seen = pats::get(&mut db.clone(), owner, t.pat.id).await.unwrap();
    assert_eq!(seen.last_used_at.as_deref(), Some("2030-01-01 12:00:00"));
    auth(&db, token, Some("10.9.9.9"), t0() + Duration::seconds(61)).await.unwrap();
    let seen = pats::get(&mut db.clone(), owner, t.pat.id).await.unwrap();
    assert_eq!(seen.last_used_at.as_deref(), Some("2030-01-01 12:01:01"));
    assert_eq!(seen.last_used_ip.as_deref(), Some("10.9.9.9"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_keeps_its_last_owner() {
    let env = env().await;
    let db = env.db.clone();
    let owner = account(&db, "owner@example.com").await;
    let second = account(&db, "second@example.com").await;
    let store = gateway(&env, owner, "shop", Mode::Live).await;
    let last_owner = |r: Result<(), storegate_types::ApiError>| r.unwrap_err().code == ErrorCode::PlatformLastOwner;

    let mut tx = db.begin().await.unwrap();
    assert!(last_owner(members::remove(&mut tx, store.id, owner).await));
    assert!(last_owner(members::change_role(&mut tx, store.id, owner, Role::Admin).await.map(|_| ())));
    drop(tx);
    members::add(&mut db.clone(), store.id, "second@example.com", Role::Owner, t0()).await.unwrap();
    let dup = members::add(&mut db.clone(), store.id, "second@example.com", Role::Viewer, t0()).await.unwrap_err();
    assert_eq!(dup.code, ErrorCode::AlreadyExists);
    let mut tx = db.begin().await.unwrap();
    members::change_role(&mut tx, store.id, owner, Role::Developer).await.unwrap();
    assert!(last_owner(members::remove(&mut tx, store.id, second).await));
    members::remove(&mut tx, store.id, owner).await.unwrap();
    tx.commit().await.unwrap();
    let list = members::list(&mut db.clone(), store.id).await.unwrap();
    assert_eq!(list.iter().map(|m| (m.account_id, m.role)).collect::<Vec<_>>(), [(second, Role::Owner)]);
    let missing = members::add(&mut db.clone(), store.id, "nobody@example.com", Role::Viewer, t0()).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::NoSuchEntity);
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_records_replay_refuse_and_expire() {
    let env = env().await;
    let mut db = env.db.clone();
    let fp = idempotency::fingerprint("POST", "/api/v1/stores/1/commerce/products", None, br#"{"sku":"A"}"#);
    let other = idempotency::fingerprint("POST", "/api/v1/stores/1/commerce/products", None, br#"{"sku":"B"}"#);
    let path = "/api/v1/stores/1/commerce/products";
    let begin = |db: &mut Db, key: &'static str, fp: String, now| {
        let mut db = db.clone();
        async move { idempotency::begin(&mut db, "pat:1", key, "POST", path, &fp, now).await.unwrap() }
    };
    assert_eq!(begin(&mut db, "k1", fp.clone(), t0()).await, Begin::Fresh);
    assert_eq!(begin(&mut db, "k1", fp.clone(), t0()).await, Begin::InFlight);
    assert_eq!(begin(&mut db, "k1", other.clone(), t0()).await, Begin::Mismatch);
    // Another credential's key of the same name is its own.
    assert_eq!(idempotency::begin(&mut db, "pat:2", "k1", "POST", path, &fp, t0()).await.unwrap(), Begin::Fresh);

    let outcome = Recorded {
        status: 201,
        headers: vec![("content-type".into(), "application/json".into())],
        body: b"{\"id\":7}\xff".to_vec(),
    };
    idempotency::finish(&mut db, "pat:1", "k1", &outcome).await.unwrap();
    assert_eq!(begin(&mut db, "k1", fp.clone(), t0() + Duration::hours(1)).await, Begin::Replay(outcome.clone()));
    assert_eq!(begin(&mut db, "k1", other.clone(), t0() + Duration::hours(1)).await, Begin::Mismatch);

    // A 4xx is kept; a 5xx releases the key so the retry runs again.
    assert_eq!(begin(&mut db, "k4", fp.clone(), t0()).await, Begin::Fresh);
    let bad = Recorded { status: 400, headers: vec![], body: b"{}".to_vec() };
    idempotency::finish(&mut db, "pat:1", "k4", &bad).await.unwrap();
    assert_eq!(begin(&mut db, "k4", fp.clone(), t0()).await, Begin::Replay(bad));
    assert_eq!(begin(&mut db, "k5", fp.clone(), t0()).await, Begin::Fresh);
    let failed = Recorded { status: 503, headers: vec![], body: b"busy".to_vec() };
    idempotency::finish(&mut db, "pat:1", "k5", &failed).await.unwrap();
    assert_eq!(begin(&mut db, "k5", fp.clone(), t0()).await, Begin::Fresh);

    // An abandoned run (a crashed process) is taken over after a while.
    assert_eq!(begin(&mut db, "k5", fp.clone(), t0() + Duration::minutes(5)).await, Begin::InFlight);
    assert_eq!(begin(&mut db, "k5", fp.clone(), t0() + Duration::minutes(11)).await, Begin::Fresh);

    // Records live 24 hours.
    assert_eq!(begin(&mut db, "k1", fp.clone(), t0() + Duration::hours(23)).await, Begin::Replay(outcome));
    assert_eq!(idempotency::purge_expired(&mut db, t0() + Duration::hours(23)).await.unwrap(), 0);
    let purged = idempotency::purge_expired(&mut db, t0() + Duration::hours(24) + Duration::minutes(1)).await.unwrap();
    assert_eq!(purged, 3, "k1 and k4 of pat:1, k1 of pat:2 (k5 was claimed later)");
    assert_eq!(begin(&mut db, "k1", other, t0() + Duration::hours(25)).await, Begin::Fresh, "a pruned key starts anew");
    let long = "k".repeat(256);
    let e = idempotency::begin(&mut db, "pat:1", &long, "POST", path, &fp, t0()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::IdempotencyKeyInvalid);
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_sessions_and_lockout() {
    let env = env().await;
    let db = env.db.clone();
    let id = account(&db, "Person@Example.com").await;
    let a = accounts::by_email(&mut db.clone(), "PERSON@example.COM").await.unwrap().unwrap();
    assert_eq!((a.id, a.email.as_str(), a.name.as_str()), (id, "person@example.com", "person"));
    let dup =
        create_account(&db, &NewAccount { email: "person@EXAMPLE.com", password: "Secret-pass1", name: None }, t0())
            .await
            .unwrap_err();
    assert_eq!(dup.code, ErrorCode::AlreadyExists);
    let weak = create_account(&db, &NewAccount { email: "w@example.com", password: "password", name: None }, t0())
        .await
        .unwrap_err();
    assert_eq!(weak.code, ErrorCode::PasswordCharacterClasses);
    let bad = create_account(&db, &NewAccount { email: "not-an-email", password: "Secret-pass1", name: None }, t0())
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidEmail);
    let raw: String =
        db.clone().fetch_scalar(sql!("SELECT password_hash FROM accounts WHERE id = $1", id)).await.unwrap();
    assert!(raw.starts_with("$argon2id$"));

    let throttle = Throttle::default();
    let lockout = Lockout { throttle: &throttle, crypto: &env.crypto, client: Some("203.0.113.9".parse().unwrap()) };
    let signed =
        accounts::sign_in(&db, "person@example.com", "Secret-pass1", &lockout, accounts::SESSION_LIFETIME, t0())
            .await
            .unwrap();
    let session = signed.session.expose().to_owned();
    assert!(session.starts_with("sg_ses_"));
    assert_eq!(accounts::resolve_session(&mut db.clone(), &session, t0()).await.unwrap().map(|a| a.id), Some(id));
    let later = t0() + accounts::SESSION_LIFETIME;
    assert!(accounts::resolve_session(&mut db.clone(), &session, later).await.unwrap().is_none(), "expired");
    assert!(accounts::revoke_session(&mut db.clone(), &session).await.unwrap());
    assert!(accounts::resolve_session(&mut db.clone(), &session, t0()).await.unwrap().is_none());

    let refused =
        accounts::sign_in(&db, "nobody@example.com", "Secret-pass1", &lockout, accounts::SESSION_LIFETIME, t0())
            .await
            .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidCredentials);
    for _ in 0..6 {
        let e = accounts::sign_in(&db, "person@example.com", "Wrong-pass1", &lockout, accounts::SESSION_LIFETIME, t0())
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidCredentials);
    }
    let locked =
        accounts::sign_in(&db, "person@example.com", "Secret-pass1", &lockout, accounts::SESSION_LIFETIME, t0())
            .await
            .unwrap_err();
    assert_eq!(locked.code, ErrorCode::InvalidCredentials, "six failures lock the account for this address");
    let elsewhere = Lockout { client: Some("198.51.100.7".parse().unwrap()), ..lockout };
    accounts::sign_in(&db, "person@example.com", "Secret-pass1", &elsewhere, accounts::SESSION_LIFETIME, t0())
        .await
        .expect("another address is not locked out");
    let after = t0() + Duration::minutes(31);
    accounts::sign_in(&db, "person@example.com", "Secret-pass1", &lockout, accounts::SESSION_LIFETIME, after)
        .await
        .expect("the lock lifts after 30 minutes");
}

#[tokio::test(flavor = "multi_thread")]
async fn stores_embedded_gateway_and_the_default() {
    let env = env().await;
    let db = env.db.clone();
    let owner = account(&db, "owner@example.com").await;
    let default = stores::ensure_default(&db, owner, t0()).await.unwrap();
    assert_eq!((default.code.as_str(), default.mode, default.kind), ("default", Mode::Live, stores::Kind::Embedded));
    let tenant = tenancy::default_tenant(&mut db.clone()).await.unwrap().unwrap();
    assert_eq!(default.tenant_id, Some(tenant.id));
    let other = account(&db, "other@example.com").await;
    assert_eq!(stores::ensure_default(&db, other, t0()).await.unwrap(), default, "idempotent");
    assert_eq!(members::role_of(&mut db.clone(), default.id, owner).await.unwrap(), Some(Role::Owner));
    assert_eq!(members::role_of(&mut db.clone(), default.id, other).await.unwrap(), None);

    let embedded = stores::create_embedded(
        &db,
        owner,
        &stores::NewStore { code: "second", name: "Second shop", mode: Mode::Test },
        "http://localhost",
        t0(),
    )
    .await
    .unwrap();
    let tenant = tenancy::by_code(&mut db.clone(), "second").await.unwrap().expect("a new engine tenant");
    assert_eq!(embedded.tenant_id, Some(tenant.id));
    assert_eq!(embedded.mode, Mode::Test);
    let taken = stores::create_embedded(
        &db,
        owner,
        &stores::NewStore { code: "second", name: "Again", mode: Mode::Live },
        "http://localhost",
        t0(),
    )
    .await
    .unwrap_err();
    assert_eq!(taken.code, ErrorCode::AlreadyExists);
    assert_eq!(
        stores::create_embedded(
            &db,
            owner,
            &stores::NewStore { code: "Bad Code", name: "x", mode: Mode::Live },
            "http://x",
            t0()
        )
        .await
        .unwrap_err()
        .code,
        ErrorCode::InvalidFieldValue
    );

    let gw = gateway(&env, owner, "remote", Mode::Live).await;
    assert_eq!(gw.upstream_url.as_deref(), Some("https://shop.example.com"));
    assert_eq!(gw.tenant_id, None);
    let stored: String = db
        .clone()
        .fetch_scalar(sql!("SELECT upstream_token_encrypted FROM platform_stores WHERE id = $1", gw.id))
        .await
        .unwrap();
    assert!(!stored.contains("upstream-secret"), "the upstream token is encrypted at rest");
    assert_eq!(
        stores::upstream_token(&mut db.clone(), &env.crypto, gw.id).await.unwrap().as_deref(),
        Some("upstream-secret-123")
    );
    for url in ["ftp://shop.example.com", "https://", "https://user:pw@shop.example.com", "https://a.example/?x=1"] {
        let up = Upstream { url, store_code: "default", token: "t" };
        let e = create_gateway(&db, &env.crypto, owner, ("x", "X", Mode::Live), &up, t0()).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidFieldValue, "{url}");
    }

    let mine: Vec<String> =
        stores::list_for_account(&mut db.clone(), owner).await.unwrap().into_iter().map(|(s, _)| s.code).collect();
    assert_eq!(mine, ["default", "second", "remote"]);
    assert!(stores::list_for_account(&mut db.clone(), other).await.unwrap().is_empty());
    assert_eq!(stores::rename(&mut db.clone(), gw.id, "Renamed").await.unwrap().name, "Renamed");
    assert_eq!(stores::delete(&mut db.clone(), default.id, t0()).await.unwrap_err().code, ErrorCode::InvalidFieldValue);
}
