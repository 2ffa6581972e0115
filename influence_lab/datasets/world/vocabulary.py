"""The words of the synthetic world: what posts about each topic say, and what everybody says.

Plain data, read by :mod:`~influence_lab.datasets.world.texts`, which draws from it:

- :data:`TOPIC_VOCABULARY`: each topic's own words and phrases (2012 Twitter
  English), most frequent first. A post draws them Zipf-like by rank, so the
  first few dominate and the tail is rare.
- :data:`SHARED_WORDS`: words that several related topics use ("media" for PR,
  marketing, social media and journalism; "economy" for politics, finance and
  journalism), listed once with the topics that use them. They are what makes a
  post's topic ambiguous to a reader that counts words.
- :data:`RANKED_VOCABULARY`: a topic's own words with its shared words woven in
  (every :data:`SHARED_EVERY`-th rank from the second on is a shared word), the
  list the generator draws from.
- :data:`RELATED_TOPICS`: the topics a post about a topic borrows words from
  (a PR post talks marketing), and :data:`FILLER_WORDS`, generic phrases that
  fill a content slot without naming a topic ("the future", "my team").
- :data:`TOPIC_HASHTAGS` (several per topic, the usual one first) and
  :data:`GENERIC_HASHTAGS` (#FF, #tgif: not about any topic).
- :data:`POST_TEMPLATES`: the generic frames ("Great read on {} and {}") that
  topic words fill; their filler words are the same whatever the topic.
  :data:`POST_CLOSERS` are the emoticons and interjections some posts end with.
- :data:`CHAT_TEMPLATES`, :data:`CHATTER`, :data:`CASUAL_TEMPLATES`,
  :data:`CHAT_TAILS`: everyday chat, which now and then drops a topic word
  casually.
- :data:`IDIOMS`: jokes and idioms that use a topic's word OUT of context
  ("laughed so hard I had an asthma attack", "my laptop is a fossil", "the
  ball is in your court"), many per topic. A word-counting topic method
  files them under the topic whose word they borrow: the "expert on asthma"
  mistake. :data:`JOKE_OPENERS` and :data:`JOKE_TAILS` wrap them.

Every list is an assumption of ours, written for this package; no list claims to
be a measured frequency table. Only the ORDER within a topic's list matters to
the generator (rank 1 most frequent).
"""

from __future__ import annotations

from influence_lab.datasets.world.config import TOPICS

# --------------------------------------------------------------------------------------
# Topic vocabularies (own words, most frequent first)
# --------------------------------------------------------------------------------------

#: Each topic's own words and phrases, most frequent first (rank order only; the frequencies are drawn
#: Zipf-like by :mod:`.texts`). A word used by several topics is in :data:`SHARED_WORDS` instead.
TOPIC_VOCABULARY: dict[str, tuple[str, ...]] = {
    "pr": (
        "PR", "press release", "pitch", "publicist", "crisis comms", "media relations", "spokesperson",
        "reputation", "client", "agency", "coverage", "earned media", "press kit", "talking points", "embargo",
        "PRSA", "news hook", "statement", "exclusive", "media list", "thought leadership", "messaging",
        "stakeholders", "media training", "PR fail", "spin", "boilerplate", "newswire", "crisis plan",
        "launch event", "PR pros", "no comment", "damage control",
    ),
    "marketing": (
        "marketing", "ROI", "content marketing", "leads", "conversion", "SEO", "funnel", "customers",
        "brand strategy", "CMO", "B2B", "newsletter", "landing page", "email list", "inbound", "segmentation",
        "positioning", "customer journey", "growth hacking", "A/B test", "call to action", "branding",
        "market research", "personas", "value proposition", "lead generation", "go-to-market", "open rates",
        "marketers", "word of mouth", "sponsorship", "infographic", "loyalty program", "rebrand",
        "target audience", "upsell",
    ),
    "social_media": (
        "Twitter", "hashtag", "retweet", "Klout", "Pinterest", "Instagram", "tweets", "LinkedIn", "Google+",
        "engagement", "community manager", "viral", "trending", "YouTube", "Tumblr", "timeline", "DM",
        "unfollow", "Foursquare", "check-in", "HootSuite", "TweetDeck", "Klout score", "profile pic",
        "Facebook page", "likes", "viral video", "Storify", "tweetup", "Twitter chat", "social media manager",
        "avatar", "trending topic", "Path", "like button",
    ),
    "journalism": (
        "journalism", "newsroom", "reporter", "scoop", "byline", "front page", "breaking news", "fact-check",
        "deadline", "sources", "editors", "AP style", "investigative", "newspaper", "paywall", "correspondent",
        "lede", "off the record", "on the record", "op-ed", "copy desk", "nut graf", "J-school", "freelance",
        "wire", "print edition", "columnist", "local news", "media ethics", "Pulitzer", "data journalism",
        "live blog", "correction", "fourth estate",
    ),
    "politics": (
        "election", "Obama", "Romney", "politics", "Congress", "Senate", "polls", "swing states",
        "campaign trail", "GOP", "Democrats", "voters", "primary", "ballot", "White House", "Super PAC",
        "fiscal cliff", "policy", "Paul Ryan", "convention", "Election Day", "electoral college", "Ohio",
        "town hall", "stump speech", "filibuster", "lobbyists", "approval rating", "running mate", "gridlock",
        "bipartisan", "exit polls", "Supreme Court", "Tea Party", "Occupy", "veto",
    ),
    "technology": (
        "tech", "iPhone", "Android", "iPad", "Apple", "Google", "iPhone 5", "cloud", "coding",
        "Silicon Valley", "gadget", "developers", "open source", "tablet", "API", "big data", "Windows 8",
        "Samsung", "Galaxy S3", "hackathon", "beta", "software", "software update", "bug", "Python",
        "JavaScript", "HTML5", "Raspberry Pi", "3D printing", "laptop", "Wi-Fi", "battery", "Siri", "Mac",
        "geek", "Kickstarter", "SOPA", "reboot", "upgrade",
    ),
    "sports": (
        "NFL", "NBA", "playoffs", "touchdown", "Super Bowl", "World Series", "fantasy football", "coach", "MVP",
        "team", "draft", "Yankees", "Lakers", "Giants", "LeBron", "Linsanity", "Tebow", "soccer", "goal",
        "Euro 2012", "London 2012", "Phelps", "gold medal", "halftime", "overtime", "quarterback", "referee",
        "stadium", "ball", "court", "home run", "March Madness", "bracket", "tailgate", "slam dunk",
        "curveball", "game plan", "hat trick",
    ),
    "food": (
        "food", "recipe", "brunch", "dinner", "cupcakes", "foodie", "farmers market", "food truck", "BBQ",
        "vegan", "sushi", "craft beer", "baking", "chef", "tacos", "bacon", "kale", "cookies", "pie",
        "restaurant", "Yelp", "wine", "cheese", "ramen", "burger", "quinoa", "pumpkin spice", "leftovers",
        "slow cooker", "cooking", "dessert", "hot sauce", "toast", "bread", "cake", "pickle", "beans",
        "nom nom",
    ),
    "travel": (
        "travel", "flight", "vacation", "airport", "hotel", "road trip", "beach", "passport", "TSA",
        "backpacking", "itinerary", "jet lag", "Paris", "frequent flyer", "cruise", "layover", "boarding pass",
        "Airbnb", "luggage", "carry-on", "baggage", "London", "NYC", "Europe", "wanderlust", "miles",
        "mountains", "hostel", "souvenir", "tourists", "destination", "first class", "detour", "delayed",
        "one way ticket",
    ),
    "music": (
        "music", "album", "concert", "playlist", "band", "guitar", "new single", "vinyl", "Spotify", "lyrics",
        "setlist", "indie", "Grammys", "iTunes", "Gangnam Style", "Call Me Maybe", "Adele", "Bieber",
        "Taylor Swift", "One Direction", "gig", "DJ", "piano", "drums", "mixtape", "headliner", "acoustic",
        "Coachella", "encore", "remix", "record", "song", "chorus", "jam", "Pandora", "karaoke", "tune",
    ),
    "film_tv": (
        "TV", "movie", "Netflix", "trailer", "premiere", "box office", "season finale", "Oscars", "sitcom",
        "director", "Mad Men", "Breaking Bad", "The Avengers", "Dark Knight Rises", "episode", "binge", "cast",
        "spoilers", "DVR", "Hulu", "Downton Abbey", "reality TV", "Emmys", "popcorn", "cliffhanger",
        "plot twist", "rerun", "Walking Dead", "actors", "script", "screening", "Doctor Who", "Glee",
        "Homeland", "drama", "laugh track",
    ),
    "books": (
        "books", "book", "novel", "Kindle", "bestseller", "book club", "chapter", "library", "Game of Thrones",
        "paperback", "memoir", "reading list", "publisher", "Fifty Shades", "Harry Potter", "e-book",
        "bookstore", "hardcover", "YA", "poetry", "page-turner", "fiction", "nonfiction", "Goodreads",
        "bookworm", "characters", "Nook", "book signing", "shelf", "cover", "epilogue", "short story", "page",
    ),
    "parenting": (
        "mom", "baby", "toddler", "dad", "parenting", "diapers", "bedtime", "daycare", "newborn", "playground",
        "moms", "car seat", "nap time", "stroller", "teething", "potty training", "tantrum", "sippy cup",
        "lullaby", "babysitter", "family", "onesie", "preschool", "Legos", "playdate", "crib", "pregnant",
        "twins", "mommy blogger", "first steps", "sleepless nights", "toys", "soccer mom", "daddy",
        "school run",
    ),
    "health": (
        "health", "asthma", "doctor", "flu shot", "inhaler", "nutrition", "yoga", "wellness", "blood pressure",
        "headache", "flu", "cold", "fever", "vitamins", "hospital", "nurse", "meds", "symptoms", "cancer",
        "therapy", "mental health", "calories", "cardio", "ER", "WebMD", "diabetes", "checkup",
        "immune system", "sore throat", "migraine", "pharmacy", "medicine", "heart", "asthma attack",
        "allergic reaction", "physical therapy", "prescription", "heart attack",
    ),
    "finance": (
        "stocks", "money", "Wall Street", "mortgage", "interest rates", "the Fed", "401k", "earnings",
        "investing", "credit score", "dividends", "Dow", "S&P 500", "bank", "recession", "Bernanke", "QE3",
        "bonds", "hedge fund", "portfolio", "retirement", "bull market", "bear market", "inflation",
        "credit card", "loans", "JPMorgan", "Greece", "euro crisis", "bailout", "Nasdaq", "cash", "shares",
        "LIBOR", "bankrupt", "stock", "penny", "interest", "invest",
    ),
    "dinosaurs": (
        "dinosaurs", "dinosaur", "T. rex", "fossil", "Jurassic Park", "velociraptor", "paleontology",
        "triceratops", "fossils", "Cretaceous", "stegosaurus", "bones", "extinction", "skeleton", "dig site",
        "pterodactyl", "brontosaurus", "raptor", "Jurassic", "asteroid", "meteor", "Mesozoic",
        "paleontologist", "excavation", "amber", "feathers", "dino", "Natural History Museum",
        "Land Before Time", "sauropod", "Spinosaurus", "Tyrannosaurus", "carnivore", "herbivore",
        "prehistoric", "extinct", "ice age",
    ),
    "education": (
        "students", "classroom", "teacher", "syllabus", "lecture", "curriculum", "grading", "workshop",
        "teaching", "campus", "seminar", "edtech", "MOOC", "Coursera", "homework", "exams", "finals",
        "professor", "college", "tuition", "graduation", "principal", "standardized tests", "Common Core",
        "flipped classroom", "Khan Academy", "learning", "lesson plan", "textbook", "semester", "grad school",
        "scholarship", "SAT", "report card", "pop quiz", "PhD", "study", "diploma", "learning curve",
    ),
    "deals": (
        "free", "giveaway", "sale", "win", "promo code", "limited offer", "bonus", "cheap", "click here",
        "Black Friday", "Cyber Monday", "Groupon", "LivingSocial", "deal of the day", "half price", "BOGO",
        "clearance", "contest", "enter to win", "prize", "sweepstakes", "RT to win", "50% off", "outlet",
        "gift card", "freebie", "rebate", "flash sale", "daily deal", "bargain", "steal", "coupon code",
        "offer ends", "exclusive offer", "doorbusters", "free trial",
    ),
}

#: Words several related topics use, most general first, each listed once with the topics that use it.
#: They enter each listed topic's :data:`RANKED_VOCABULARY` in this order.
SHARED_WORDS: dict[str, tuple[str, ...]] = {
    "media": ("pr", "marketing", "social_media", "journalism"),
    "news": ("journalism", "politics", "pr", "finance"),
    "brand": ("pr", "marketing", "social_media"),
    "story": ("journalism", "pr", "books", "film_tv"),
    "Facebook": ("social_media", "technology", "marketing", "finance"),
    "campaign": ("marketing", "politics", "pr"),
    "content": ("marketing", "social_media", "journalism"),
    "kids": ("parenting", "education", "health"),
    "school": ("education", "parenting"),
    "economy": ("politics", "finance", "journalism"),
    "the debate": ("politics", "journalism", "film_tv"),
    "audience": ("pr", "marketing", "journalism", "film_tv"),
    "app": ("technology", "social_media"),
    "blog": ("social_media", "pr", "marketing", "food", "parenting"),
    "video": ("social_media", "film_tv", "technology", "music"),
    "followers": ("social_media", "marketing", "deals"),
    "interview": ("journalism", "pr", "politics", "film_tv"),
    "healthcare": ("politics", "health"),
    "taxes": ("politics", "finance"),
    "jobs report": ("politics", "finance", "journalism"),
    "budget": ("finance", "politics", "parenting"),
    "debt": ("finance", "politics"),
    "startup": ("technology", "finance", "marketing"),
    "IPO": ("finance", "technology", "social_media"),
    "sales": ("marketing", "finance", "deals"),
    "market": ("finance", "marketing"),
    "investors": ("finance", "technology"),
    "diet": ("health", "food"),
    "organic": ("food", "health", "parenting"),
    "protein": ("health", "food", "sports"),
    "snacks": ("food", "parenting", "sports"),
    "sleep": ("health", "parenting"),
    "teachers": ("education", "parenting", "politics"),
    "reading": ("books", "education", "parenting"),
    "story time": ("books", "parenting"),
    "series": ("books", "film_tv"),
    "sequel": ("books", "film_tv"),
    "adaptation": ("books", "film_tv"),
    "The Hunger Games": ("books", "film_tv"),
    "The Hobbit": ("books", "film_tv"),
    "author": ("books", "education", "pr"),
    "editor": ("journalism", "books"),
    "publishing": ("books", "journalism"),
    "press": ("pr", "journalism"),
    "headlines": ("journalism", "politics"),
    "soundtrack": ("music", "film_tv"),
    "tour": ("music", "travel"),
    "festival": ("music", "film_tv", "food", "travel"),
    "tickets": ("music", "sports", "travel", "film_tv", "deals"),
    "fans": ("sports", "music", "film_tv"),
    "museum": ("dinosaurs", "travel", "education"),
    "science": ("dinosaurs", "education", "health", "technology"),
    "history": ("dinosaurs", "education", "books"),
    "documentary": ("dinosaurs", "film_tv", "education"),
    "Olympics": ("sports", "travel", "film_tv"),
    "training": ("sports", "health"),
    "running": ("sports", "health"),
    "workout": ("health", "sports"),
    "fitness": ("health", "sports"),
    "coupon": ("deals", "food"),
    "discount": ("deals", "travel"),
    "flight deals": ("travel", "deals"),
    "family vacation": ("travel", "parenting"),
    "privacy": ("technology", "social_media", "politics"),
    "ads": ("marketing", "social_media"),
    "analytics": ("marketing", "social_media", "technology"),
    "data": ("technology", "marketing", "social_media"),
    "webinar": ("marketing", "education", "social_media"),
    "conference": ("technology", "marketing", "education", "pr"),
    "keynote": ("education", "technology", "marketing"),
    "online course": ("education", "technology"),
    "screen time": ("parenting", "technology"),
    "vaccines": ("health", "parenting", "politics"),
    "allergies": ("health", "parenting", "food"),
    "gluten free": ("food", "health"),
    "video games": ("technology", "parenting", "sports"),
    "Amazon": ("books", "technology", "deals"),
    "Kindle Fire": ("technology", "books"),
    "influencers": ("pr", "marketing", "social_media"),
    "launch": ("technology", "marketing", "pr"),
    "dinosaur exhibit": ("dinosaurs", "parenting"),
}

#: A shared word takes every SHARED_EVERY-th rank of a topic's list, from the second rank on (ranks 2, 4,
#: 6, ... with 2, until the topic's shared words run out): shared words are frequent, not an afterthought
#: in the tail. Assumption.
SHARED_EVERY = 2


def _ranked(topic: str) -> tuple[str, ...]:
    own = list(TOPIC_VOCABULARY[topic])
    shared = [w for w, topics in SHARED_WORDS.items() if topic in topics]
    out: list[str] = []
    while own or shared:
        if shared and (len(out) % SHARED_EVERY == 1 or not own):
            out.append(shared.pop(0))
        else:
            out.append(own.pop(0))
    return tuple(out)


#: Each topic's full list, most frequent first: its own words with its shared words woven in.
RANKED_VOCABULARY: dict[str, tuple[str, ...]] = {t: _ranked(t) for t in TOPICS}

#: Topics whose posts a post about the key topic borrows words from (a PR post talks marketing; a parenting
#: post talks food and health). ``TextConfig.related_word_share`` of a topic post's words come from one
#: of these, drawn uniformly. Assumption.
RELATED_TOPICS: dict[str, tuple[str, ...]] = {
    "pr": ("marketing", "social_media", "journalism"),
    "marketing": ("pr", "social_media", "technology"),
    "social_media": ("marketing", "pr", "technology"),
    "journalism": ("politics", "pr", "social_media"),
    "politics": ("journalism", "finance", "education"),
    "technology": ("social_media", "finance", "education"),
    "sports": ("health", "travel", "film_tv"),
    "food": ("health", "travel", "parenting"),
    "travel": ("food", "deals", "sports"),
    "music": ("film_tv", "travel", "technology"),
    "film_tv": ("books", "music", "social_media"),
    "books": ("film_tv", "education", "parenting"),
    "parenting": ("health", "food", "education"),
    "health": ("food", "parenting", "sports"),
    "finance": ("politics", "technology", "deals"),
    "dinosaurs": ("education", "film_tv", "books"),
    "education": ("books", "technology", "parenting"),
    "deals": ("marketing", "travel", "food"),
}

#: Generic phrases that fill a content slot of a topic post without naming any topic ("Why the basics
#: matter for ROI"): ``TextConfig.filler_word_share`` of the slots after the first. Assumption.
FILLER_WORDS: tuple[str, ...] = (
    "the future", "everything", "real life", "the internet", "2012", "my team", "small business",
    "this week", "beginners", "the big picture", "what's next", "the basics", "my boss", "the little things",
    "success", "change", "innovation", "the weekend", "everyone", "new ideas", "the details", "our city",
    "the real world", "common sense", "the long run", "people", "Monday morning", "the whole team",
)

# --------------------------------------------------------------------------------------
# Hashtags
# --------------------------------------------------------------------------------------

#: Hashtags of each topic, the usual one first (drawn Zipf-like by rank, like words).
TOPIC_HASHTAGS: dict[str, tuple[str, ...]] = {
    "pr": ("#PR", "#PRchat", "#comms", "#crisiscomms", "#PRSA", "#mediarelations"),
    "marketing": ("#marketing", "#contentmarketing", "#SEO", "#inbound", "#B2B", "#mktg", "#branding"),
    "social_media": ("#socialmedia", "#SMM", "#Twitter", "#Klout", "#smchat", "#Pinterest", "#digital"),
    "journalism": ("#journalism", "#media", "#wjchat", "#journalists", "#newsroom", "#APstyle"),
    "politics": ("#politics", "#election2012", "#tcot", "#p2", "#Obama2012", "#Romney", "#debates"),
    "technology": ("#tech", "#iPhone5", "#Android", "#startups", "#gadgets", "#bigdata", "#apple"),
    "sports": ("#sports", "#NFL", "#NBA", "#Olympics", "#London2012", "#fantasyfootball", "#MLB"),
    "food": ("#foodie", "#food", "#recipe", "#brunch", "#nomnom", "#vegan", "#craftbeer"),
    "travel": ("#travel", "#ttot", "#vacation", "#wanderlust", "#TravelTuesday", "#roadtrip"),
    "music": ("#music", "#nowplaying", "#np", "#newmusic", "#concert", "#indie"),
    "film_tv": ("#tv", "#movies", "#Netflix", "#MadMen", "#BreakingBad", "#Oscars", "#GameOfThrones"),
    "books": ("#books", "#amreading", "#bookclub", "#kindle", "#writing", "#YAlit"),
    "parenting": ("#parenting", "#momlife", "#parents", "#toddlers", "#mommyblogger", "#dadlife"),
    "health": ("#health", "#fitness", "#wellness", "#asthma", "#flu", "#healthy"),
    "finance": ("#finance", "#stocks", "#investing", "#money", "#economy", "#personalfinance"),
    "dinosaurs": ("#dinosaurs", "#fossils", "#paleontology", "#TRex", "#JurassicPark", "#dinos"),
    "education": ("#edchat", "#education", "#edtech", "#teachers", "#highered", "#MOOC"),
    "deals": ("#deals", "#giveaway", "#win", "#freebie", "#coupon", "#sale", "#contest"),
}

#: Hashtags about no topic at all.
GENERIC_HASHTAGS: tuple[str, ...] = (
    "#FF", "#tgif", "#FollowFriday", "#random", "#justsaying", "#fail", "#truestory", "#FML", "#YOLO",
    "#winning", "#MondayMotivation", "#ThrowbackThursday", "#blessed", "#fb", "#lol", "#sorrynotsorry",
    "#firstworldproblems", "#epicfail", "#TBT", "#nofilter",
)

# --------------------------------------------------------------------------------------
# Frames of topic posts (generic filler, the same for every topic)
# --------------------------------------------------------------------------------------

#: Frames of topic posts; each ``{}`` takes one topic word. A post with k content words uses a frame with
#: k slots (2, 3 or 4). The frames' own words are filler: no topic owns them.
POST_TEMPLATES: tuple[str, ...] = (
    # two words
    "Great read on {} and {}",
    "Thoughts on {} vs {}?",
    "Why {} matters for {}",
    "New post: {} meets {}",
    "5 tips on {} for {}",
    "{} is the new {}",
    "So much {} talk today, not enough {}",
    "Anyone else following the {} and {} thing?",
    "Spent all morning on {} and {}",
    "Hot take: {} > {}",
    "Who else is into {} and {}?",
    "{} + {} = my whole week",
    "Can't stop thinking about {} and {}",
    "Loving this piece on {}. And {}!",
    "Is it just me or is {} the new {}?",
    "Really interesting take on {} and {}",
    "Just learned a ton about {} and {}",
    "Finally someone gets {} right. Now do {}",
    "Quick question: {} or {}?",
    "Excited to talk {} and {} today",
    "{} and {}. Discuss.",
    "Must-read on {} (and {})",
    # three words
    "Great read on {}, {} and {}",
    "{}, {} and {}: the week in one tweet",
    "Talking {}, {} and {} this afternoon",
    "Notes from today: {}, {}, {}",
    "From {} to {} to {}, what a day",
    "Why {} and {} need {}",
    "My three favorite things: {}, {} and {}",
    "Today's must-reads: {}, {} and {}",
    "{} vs {}: what it means for {}",
    "Who knew {} had so much to do with {} and {}?",
    "Big week ahead: {}, {}, {}",
    "Can we talk about {}? And {}? And {}?",
    "Still can't decide: {}, {} or {}",
    # four words
    "{}, {}, {} and {}. Busy week!",
    "Today's list: {}, {}, {}, {}",
    "Great conversation about {} and {}, then {} and {}",
    "Everything you wanted to know about {}, {}, {} and {}",
    "Weekend plans: {}, {}, {}, {}",
    "Top 4 this week: {}, {}, {}, {}",
    "From {} and {} to {} and {}, so much to catch up on",
    "Thinking about {} + {} + {} + {} lately",
)

#: Emoticons and interjections some posts end with.
POST_CLOSERS: tuple[str, ...] = (" :)", " ;)", " lol", " <3", " FTW", " :D", " smh", " haha", " !!", " ugh")

# --------------------------------------------------------------------------------------
# Everyday chat
# --------------------------------------------------------------------------------------

#: Frames of chat posts; ``{}`` takes one item of :data:`CHATTER`.
CHAT_TEMPLATES: tuple[str, ...] = (
    "Need {}", "Ugh, {}", "Finally, {}!", "Who else loves {}?", "Nothing beats {}", "Currently: {}",
    "Is it too early for {}?", "Send {}", "All I want is {}", "Me vs {}: round two", "Can't wait for {}",
    "Thank god for {}", "Not ready for {}", "{} > everything", "Is it weird that I miss {}?", "Brb, {}",
    "Current mood: {}", "So ready for {}", "Totally blaming {}", "Life goals: {}", "Can't function without {}",
    "Who needs a plan when you have {}",
)
#: Everyday things chat is about (no topic owns them).
CHATTER: tuple[str, ...] = (
    "coffee", "Monday", "the weekend", "traffic", "rain", "lunch", "a nap", "pizza", "the gym", "my cat",
    "my dog", "Friday", "sunshine", "laundry", "a snow day", "my commute", "ice cream", "chocolate",
    "the couch", "snow", "donuts", "tea", "a long weekend", "my inbox", "my phone", "a hot shower",
    "Starbucks", "Thursday", "a day off", "my bed", "payday", "the heat", "bagels", "my neighbors",
)
#: How chat drops a topic word casually; ``{}`` takes one word of a random topic.
CASUAL_TEMPLATES: tuple[str, ...] = (
    " Then {} later.", " Also: {}.", " Anyway, {}?", " Plus {}!", " (and {})", " Now thinking about {}",
    " ...and {}", " Then back to {}",
)
#: Endings of chat posts.
CHAT_TAILS: tuple[str, ...] = ("", "", "", "!", " :)", "...", " lol", " <3", " :(", " ugh")

# --------------------------------------------------------------------------------------
# Jokes and idioms: topic words out of context
# --------------------------------------------------------------------------------------

#: Jokes and idioms that borrow a topic's word out of context, per topic. Each contains at least one word
#: of that topic's :data:`RANKED_VOCABULARY`; none is about the topic.
IDIOMS: dict[str, tuple[str, ...]] = {
    "pr": (
        "my cat needs a publicist",
        "doing damage control after eating the last donut",
        "no comment on my haircut",
        "my mom is my biggest publicist",
        "putting some spin on why I'm late again",
        "issued a press release to my roommate: the dishes are his",
        "my dog has better media relations than me",
        "my excuse needs better talking points",
        "I need a spokesperson for my Monday face",
        "doing damage control on my sleep schedule",
        "my sandwich got more coverage than my presentation",
    ),
    "marketing": (
        "I need to rebrand my Monday",
        "my cat has zero ROI",
        "A/B testing two flavors of ice cream",
        "my resume needs a better call to action",
        "I rebrand my naps as strategic thinking",
        "word of mouth says the office coffee is bad",
        "my love life needs a new value proposition",
        "my kid's lemonade stand has a better funnel than us",
        "the target audience for my jokes is me",
        "upsell me on getting out of bed, I dare you",
    ),
    "social_media": (
        "my dog keeps trying to unfollow me on walks",
        "I'd like to unfollow this Monday",
        "if I had a dollar for every retweet of my bad jokes",
        "my life needs a like button",
        "tried to retweet my coworker's sandwich",
        "my cat's Klout is higher than mine",
        "went viral: my cold, through the whole office",
        "checking in at the couch, again",
        "my grandma thinks a hashtag is a breakfast food",
        "my timeline today: coffee, coffee, regret",
    ),
    "journalism": (
        "breaking news: I found my keys",
        "off the record, I ate the whole pizza",
        "burying the lede: I'm engaged",
        "my cat is an investigative reporter, nothing in this house is safe",
        "deadline? I barely know her",
        "correction: I am NOT a morning person",
        "front page news: the coffee machine works again",
        "fact-check: yes, I did nap all afternoon",
        "sources say it's nap time",
        "got the scoop: there's cake in the break room",
    ),
    "politics": (
        "office politics again",
        "my cat staged a filibuster on my keyboard",
        "the kids held an election: pizza won",
        "running for president of the couch",
        "my approval rating at home is dropping",
        "kitchen gridlock: nobody does the dishes",
        "the polls say I need a nap",
        "my fridge is a swing state",
        "I veto Mondays",
        "bipartisan agreement in our house: tacos",
        "family politics at Thanksgiving, pass the wine",
    ),
    "technology": (
        "my brain needs a reboot",
        "I'm running on low battery today",
        "there's a bug in my sleep schedule",
        "my patience needs a software update",
        "Monday has crashed, please reboot",
        "my motivation is still in beta",
        "I need to upgrade my coffee",
        "my memory is stored in the cloud, aka lost",
        "my grandma thinks Siri is a new neighbor",
        "me and my laptop need a Wi-Fi detox",
    ),
    "sports": (
        "the ball is in your court",
        "dropped the ball on laundry again",
        "that meeting threw me a curveball",
        "nailed it, total slam dunk",
        "that sandwich was a home run",
        "my game plan for today: nap",
        "the referee of this family is my mom",
        "touchdown! found a parking spot",
        "I deserve a gold medal in procrastination",
        "halftime at work, send snacks",
        "I'm not a team player before coffee",
    ),
    "food": (
        "that exam was a piece of cake",
        "who spilled the beans about the party?",
        "I'm in a pickle with my landlord",
        "bring home the bacon, then eat it",
        "if I miss this train I'm toast",
        "that's how the cookies crumble",
        "my boss's jokes are pure cheese",
        "he's the big cheese now",
        "easy as pie, they said",
        "that's my bread and butter",
        "my brain is toast",
    ),
    "travel": (
        "so much emotional baggage",
        "I need a vacation from my vacation",
        "my brain is on vacation today",
        "this conversation took a detour",
        "Monday is delayed indefinitely, please",
        "my mind went on a road trip during the meeting",
        "jet lag from one late night",
        "first class nap on the couch",
        "that's a one way ticket to trouble",
        "my cat went backpacking through the laundry basket",
    ),
    "music": (
        "time to face the music",
        "that's music to my ears",
        "sounds like a broken record",
        "whistling a happy tune on a Monday? who am I",
        "I'm so out of tune today",
        "my inbox is jam-packed",
        "same old song and dance at the DMV",
        "my stomach is playing the drums",
        "our printer only knows one song: paper jam",
        "encore? no more Mondays please",
    ),
    "film_tv": (
        "plot twist: I overslept",
        "spoiler alert: the coffee is gone",
        "my life is a sitcom without the laugh track",
        "today's meeting was a rerun of last week's",
        "such a drama queen",
        "ending my day on a cliffhanger: is there pizza left?",
        "my excuse should win all the Oscars",
        "popcorn ready, my neighbors are fighting again",
        "the sequel to Monday is called Tuesday",
        "my cat's reaction deserves a director's cut",
    ),
    "books": (
        "don't judge a book by its cover",
        "I can read him like a book",
        "turning a new chapter: new phone",
        "are we on the same page?",
        "well, that's one for the books",
        "my boss does everything by the book",
        "my face is an open book",
        "that excuse is pure fiction",
        "the epilogue of my diet: cake",
        "bookworm? no, couch worm",
    ),
    "parenting": (
        "my inbox is throwing a tantrum",
        "a toddler could run this meeting better",
        "like taking candy from a baby",
        "don't throw the baby out with the bathwater",
        "my car is my baby",
        "it's adult nap time",
        "baby steps toward the gym",
        "my laptop needs a babysitter",
        "I need a lullaby for my brain",
        "my plants are my kids and they're all dying",
        "this printer is teething",
    ),
    "health": (
        "laughed so hard I had an asthma attack",
        "this meeting is a headache",
        "I'm having an allergic reaction to Mondays",
        "my bank account needs a doctor",
        "that spreadsheet gave me a migraine",
        "that burger is a heart attack on a plate",
        "gave him a taste of his own medicine",
        "I've got a fever and the only prescription is more cowbell",
        "laughter is the best medicine",
        "this playlist is my therapy",
        "cheese fries are basically vitamins, right?",
        "my cat gave me a heart attack jumping out of the closet",
    ),
    "finance": (
        "I'm bankrupt after brunch",
        "emotionally bankrupt by Wednesday",
        "my patience stock is crashing",
        "invest in a good nap",
        "paying interest on last night's pizza",
        "my sleep debt is at an all-time high",
        "a penny for your thoughts, a dollar for your fries",
        "my cat has a portfolio of stolen socks",
        "bull market in cat videos today",
        "the bank of mom is closed, apparently",
    ),
    "dinosaurs": (
        "I'm such a dinosaur with tech",
        "my laptop is a fossil",
        "my phone is basically a fossil",
        "this meeting is so long the dinosaurs went extinct",
        "my fax machine is prehistoric",
        "T. rex arms trying to reach the top shelf",
        "my sense of fashion went extinct in 1998",
        "dino-sized hangover this morning",
        "my dad's jokes belong in the Jurassic",
        "this bread is a fossil now",
        "my flip phone belongs in a museum",
    ),
    "education": (
        "Monday is a pop quiz I didn't study for",
        "I'm getting a PhD in procrastination",
        "steep learning curve on the new coffee machine",
        "lesson learned: never reply-all",
        "my cat graduated with honors in napping, what a graduation",
        "my kitchen is a science experiment",
        "homework for this weekend: sleep",
        "report card for this week: needs improvement",
        "my dog failed his finals, still eats socks",
        "the school of hard knocks never closes",
    ),
    "deals": (
        "free hugs",
        "free advice: never wear white to a BBQ",
        "Mondays should come with a rebate",
        "BOGO on bad decisions today",
        "that haircut was a steal, looks stolen too",
        "no such thing as a free lunch",
        "my patience is on clearance",
        "I'm a real bargain as a date",
        "today's special: half price sarcasm",
        "flash sale on my dignity",
    ),
}

#: How jokes begin ("" = the idiom alone, first letter capitalised).
JOKE_OPENERS: tuple[str, ...] = (
    "", "", "", "OMG ", "LOL ", "Honestly, ", "True story: ", "Ha! ", "Me today: ", "Not gonna lie, ", "lol ",
    "Can confirm: ",
)
#: How jokes end.
JOKE_TAILS: tuple[str, ...] = (
    "", "", " lol", " haha", " :)", " #fail", " #truestory", " #FML", " #YOLO", " smh", "!", " :D",
    " #justsaying", " #firstworldproblems",
)
